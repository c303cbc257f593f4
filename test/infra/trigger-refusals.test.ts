import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { collectDeploymentFailures } from "./deployment-failures.js";
import { readyImageArgs, useTriggerMocks } from "./deploy-trigger.js";

// Secrets reach the program as Outputs, so their checks run inside an apply; a failed check
// fails the deployment the way the engine sees it, which this file collects.
const failures = collectDeploymentFailures();
afterAll(() => {
  for (const failure of failures.all) expect(failure.message).toMatch(/Invalid "(apiKeys|environment|secureEnvironment)"|Invalid configuration: (TRIGGER_API_KEYS|ACI_SECRETS) /);
});

const { registered } = useTriggerMocks();

async function build(name: string, overrides: Partial<typeof readyImageArgs>) {
  const { AciHttpTrigger } = await import("../../infra/trigger.js");
  return new AciHttpTrigger(name, { ...readyImageArgs, ...overrides });
}

describe("secret arguments the service would refuse", () => {
  it("fails the deployment on an API key shorter than the service's minimum, naming its position but not its value", async () => {
    await build("short-key", { apiKeys: pulumi.secret("long-enough-key-0001,tiny") });
    const failure = await failures.next(/apiKeys/);
    expect(failure.message).toContain(`Invalid "apiKeys": key 2 of 2 is shorter than 16 characters, the service's minimum.`);
    expect(failures.all.map((error) => error.message).join("\n")).not.toContain("tiny");
    expect(registered.get("short-key-service")?.urn ?? "").toBe("");
  });

  it("fails the deployment on API keys the service refuses, with the service's own message", async () => {
    await build("twice-labelled", { apiKeys: pulumi.secret("ops:long-enough-key-0001,ops:long-enough-key-0002") });
    const failure = await failures.next(/TRIGGER_API_KEYS/);
    expect(failure.message).toContain("Invalid configuration: TRIGGER_API_KEYS must not repeat a label");
    expect(registered.get("twice-labelled-service")?.urn ?? "").toBe("");
  });

  it("fails the deployment on an empty secure value, which the service refuses, naming the variable but no value", async () => {
    await build("empty-secure", { secureEnvironment: pulumi.secret({ DB_PASSWORD: "", API_TOKEN: "hunter2-token" }) });
    const failure = await failures.next(/ACI_SECRETS/);
    expect(failure.message).toContain("Invalid configuration: ACI_SECRETS at env.worker.DB_PASSWORD: must not be empty");
    expect(failures.all.map((error) => error.message).join("\n")).not.toContain("hunter2");
    expect(registered.get("empty-secure-service")?.urn ?? "").toBe("");
  });

  it("fails the deployment on a variable set both plain and secure, even while the secure map is a secret", async () => {
    await build("overlap", { environment: { TOKEN: "plain" }, secureEnvironment: pulumi.secret({ TOKEN: "secure" }) });
    const failure = await failures.next(/TOKEN/);
    expect(failure.message).toContain(`Invalid "secureEnvironment": "TOKEN" is also set in "environment"; a variable is either plain or secure.`);
    expect(registered.get("overlap-group-1")?.urn ?? "").toBe("");
  });

  it("fails the deployment on a secure variable named TRIGGER_BASE, which the service reserves", async () => {
    await build("secure-base", { secureEnvironment: pulumi.secret({ TRIGGER_BASE: "{}" }) });
    const failure = await failures.next(/TRIGGER_BASE/);
    expect(failure.message).toContain(`Invalid "secureEnvironment": "TRIGGER_BASE" is set by the service on each run, never by the stack.`);
    expect(registered.get("secure-base-group-1")?.urn ?? "").toBe("");
  });

  it("fails the deployment on a secure variable named TRIGGER_RUN_ID or not a valid name", async () => {
    await build("secure-names", { secureEnvironment: pulumi.secret({ TRIGGER_RUN_ID: "x", "9LIVES": "y" }) });
    const failure = await failures.next(/TRIGGER_RUN_ID/);
    expect(failure.message).toContain(`Invalid "secureEnvironment": "9LIVES" is not a valid environment variable name`);
    expect(failure.message).toContain(`Invalid "secureEnvironment": "TRIGGER_RUN_ID" is set by the service on each run, never by the stack.`);
  });
});
