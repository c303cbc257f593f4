import { describe, expect, it } from "vitest";
import { startServiceExpectingExit, type ServiceExit } from "../helpers/service-exit.js";
import { testClientId, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";

const apiKey = "startup-key-0123456789";
const secureValue = "startup-secure-value-42";

// Valid on its own: each test breaks one variable. No ARM endpoint is reachable here, and none is
// needed: a bad configuration must stop the process before any call.
const valid: Record<string, string> = {
  AZURE_SUBSCRIPTION_ID: testSubscriptionId,
  ACI_RESOURCE_GROUP: testResourceGroup,
  ACI_CONTAINER_GROUP: "job",
  AZURE_CLIENT_ID: testClientId,
  ARM_ENDPOINT: "https://127.0.0.1:9",
  TRIGGER_API_KEYS: apiKey,
  ACI_SECRETS: JSON.stringify({ env: { job: { DB_PASSWORD: secureValue } } }),
};

/** The error line the process wrote before exiting. */
function errorLine(exit: ServiceExit): Record<string, unknown> | undefined {
  return exit.lines.find((line) => line["level"] === "error");
}

describe("the bundle refuses to start on a bad configuration", () => {
  it("exits non-zero naming AZURE_SUBSCRIPTION_ID when it is missing", async () => {
    const { AZURE_SUBSCRIPTION_ID: _missing, ...env } = valid;
    const exit = await startServiceExpectingExit(env);

    expect(exit.code).toBeGreaterThan(0);
    expect(errorLine(exit)?.["msg"]).toContain("AZURE_SUBSCRIPTION_ID is required");
    expect(exit.output).not.toContain(apiKey);
    expect(exit.output).not.toContain(secureValue);
  });

  it("exits non-zero naming PORT when it is not a port number", async () => {
    const exit = await startServiceExpectingExit({ ...valid, PORT: "http" });

    expect(exit.code).toBeGreaterThan(0);
    expect(errorLine(exit)?.["msg"]).toContain("PORT must be an integer");
    expect(exit.output).not.toContain(apiKey);
  });

  it("exits non-zero naming ACI_SECRETS when it is not JSON, without echoing any of it", async () => {
    const broken = `{"env":{"job":{"DB_PASSWORD":"${secureValue}"}}`;
    const exit = await startServiceExpectingExit({ ...valid, ACI_SECRETS: broken });

    expect(exit.code).toBeGreaterThan(0);
    expect(errorLine(exit)?.["msg"]).toContain("ACI_SECRETS is not valid JSON");
    expect(exit.output).not.toContain(secureValue);
    expect(exit.output).not.toContain("DB_PASSWORD");
    expect(exit.output).not.toContain(apiKey);
  });

  it("exits non-zero naming ACI_SECRETS when its JSON has the wrong shape, without echoing a value", async () => {
    const exit = await startServiceExpectingExit({ ...valid, ACI_SECRETS: JSON.stringify({ env: { job: { DB_PASSWORD: 42 } }, passwords: secureValue }) });

    expect(exit.code).toBeGreaterThan(0);
    expect(errorLine(exit)?.["msg"]).toContain("ACI_SECRETS");
    expect(exit.output).not.toContain(secureValue);
  });

  it("exits non-zero naming TRIGGER_API_KEYS when a key is too short, without echoing the keys", async () => {
    const exit = await startServiceExpectingExit({ ...valid, TRIGGER_API_KEYS: `${apiKey},short-key` });

    expect(exit.code).toBeGreaterThan(0);
    expect(errorLine(exit)?.["msg"]).toContain("TRIGGER_API_KEYS");
    expect(exit.output).not.toContain(apiKey);
    expect(exit.output).not.toContain("short-key");
  });

  it("names every bad variable in one line when several are wrong", async () => {
    const { ACI_RESOURCE_GROUP: _missing, ...env } = valid;
    const exit = await startServiceExpectingExit({ ...env, PORT: "70000", LOG_LEVEL: "loud" });

    expect(exit.code).toBeGreaterThan(0);
    const message = String(errorLine(exit)?.["msg"]);
    for (const name of ["PORT", "ACI_RESOURCE_GROUP", "LOG_LEVEL"]) expect(message).toContain(name);
  });
});
