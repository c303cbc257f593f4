import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, cliHome, runCliProcess, type CliHome } from "../helpers/cli-process.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "cli-keyless-key-0123456789";

describe("aci-trigger without a key", () => {
  let trigger: Trigger;
  let keyed: ServiceProcess;
  let open: ServiceProcess;
  let home: CliHome;

  beforeAll(async () => {
    // One service wants the key; the other admits callers without a credential, as `npm start` does.
    trigger = await startTrigger({ apiKey, services: [{}, { TRIGGER_API_KEYS: "", TRIGGER_ALLOW_UNAUTHENTICATED: "true" }] });
    [keyed, open] = trigger.services as [ServiceProcess, ServiceProcess];
    home = await cliHome();
  });

  afterAll(async () => {
    await home?.close();
    await trigger?.close();
  });

  it("runs a job to its end on a service that needs no credential", async () => {
    const result = await runCliProcess(home, ["run", "--env", "GREETING=hello", "--wait"], cliEnv({ TRIGGER_URL: open.url }));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/succeeded · exit code 0/);
  });

  it("says how to give a key when the service needs one", async () => {
    const result = await runCliProcess(home, ["list"], cliEnv({ TRIGGER_URL: keyed.url }));
    expect(result).toEqual({ code: 125, stdout: "", stderr: expect.stringMatching(/^aci-trigger: Unauthorized: .* This service needs a key: set TRIGGER_KEY, or pass --stack NAME \(or --key\)\.\n$/) });
  });

  it("says the key was refused, and that a keyless demo takes none, when a key is wrong", async () => {
    const result = await runCliProcess(home, ["list"], cliEnv({ TRIGGER_URL: keyed.url, TRIGGER_KEY: "not-a-key-of-this-service" }));
    expect(result.code).toBe(125);
    expect(result.stderr).toContain("The key was refused: check TRIGGER_KEY, --key or --stack (a demo started without TRIGGER_API_KEYS takes no key: unset TRIGGER_KEY).");
    expect(result.stderr).not.toContain("not-a-key-of-this-service");
  });

  it("prints its version", async () => {
    const result = await runCliProcess(home, ["--version"], cliEnv());
    expect(result).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
  });
});
