import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "carry-over-key-0123456789";
const securePassword = "carry-over-db-password-value";

interface StoredEnv {
  name: string;
  value?: string;
  secureValue?: string;
}

describe("nothing carries over between runs of the bundle", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let runs: RunsClient;
  let runA: string;
  let runB: string;

  /** The target container's env as ARM stores it, secure values included. */
  const storedEnv = () => {
    const group = emulator.getStoredGroup(testSubscriptionId, testResourceGroup, "job") as {
      properties: { containers: Array<{ properties: { environmentVariables: StoredEnv[] } }> };
    };
    return group.properties.containers[0]!.properties.environmentVariables;
  };

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, securePassword });
    ({ emulator } = trigger);
    [service] = trigger.services as [ServiceProcess];
    runs = runsClient(service.url, apiKey);
  });

  afterAll(() => trigger?.close());

  it("starts run B from the base env and restored secure values, without run A's FOO", async () => {
    const a = await runs.start({ env: { FOO: "a" } });
    runA = a.body.id!;
    await runs.waitFor(runA, ["succeeded"]);
    expect(storedEnv()).toContainEqual({ name: "FOO", value: "a" });
    emulator.clearRequests();

    const b = await runs.start({ env: { BAR: "b" } });
    expect(b.status).toBe(202);
    runB = b.body.id!;

    const put = emulator.requests.find((r) => r.method === "PUT") as { body: { properties: { containers: Array<{ properties: { environmentVariables: StoredEnv[] } }> } } };
    const sent = put.body.properties.containers[0]!.properties.environmentVariables;
    const byName = new Map(sent.map((entry) => [entry.name, entry]));
    expect(byName.get("BAR")).toEqual({ name: "BAR", value: "b" });
    expect(byName.get("BASE")).toEqual({ name: "BASE", value: "1" });
    expect(byName.get("DB_PASSWORD")).toEqual({ name: "DB_PASSWORD", secureValue: securePassword });
    expect(byName.get("TRIGGER_RUN_ID")).toEqual({ name: "TRIGGER_RUN_ID", value: runB });
    expect(byName.has("FOO")).toBe(false);
    // No bookkeeping variable: the job sees its base env, its run's env and its run id only.
    expect([...byName.keys()]).toEqual(["BASE", "DB_PASSWORD", "BAR", "TRIGGER_RUN_ID", "TRIGGER_ATTEMPT"]);
    expect(storedEnv()).toEqual(sent);
  });

  it("shows run B's env, not run A's, in B's logs, with the secure value masked", async () => {
    await runs.waitFor(runB, ["succeeded"]);
    const logs = await runs.logs(runB);
    expect(logs.body.content).toContain("BAR=b");
    expect(logs.body.content).toContain("BASE=1");
    expect(logs.body.content).toContain("DB_PASSWORD=[secure]");
    expect(logs.body.content).not.toContain("FOO=");
  });

  it("keeps run A's own status and log after run B re-created the group: the log from its archive", async () => {
    expect((await runs.status(runA)).body).toMatchObject({ id: runA, status: "succeeded", env: { FOO: "a" }, log: "complete" });
    const logs = (await runs.logs(runA)).body;
    expect(logs.content).toContain("FOO=a");
    expect(logs.content).not.toContain("BAR=b");
    expect((await runs.cancel(runA)).body.error).toMatchObject({ code: "RunNotActive", status: "succeeded" });
  });

  it("answers an id the group never ran with 404 RunNotFound", async () => {
    const unknown = await runs.status("00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe("RunNotFound");
  });

  it("printed neither the API key, the secure value nor a token in the whole file", () => {
    expect(printedSecrets(service.output(), { apiKey, securePassword, identityHeader: emulator.identityHeader })).toEqual([]);
  });
});
