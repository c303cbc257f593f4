import { isRestError } from "@azure/core-rest-pipeline";
import { ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { createAciPort, createArmClient } from "../../service/aci.js";
import type { ContainerGroupPort } from "../../service/container-group-port.js";
import { withoutReadOnlyFields } from "../../service/read-only-fields.js";
import { armClient, eventually, jobGroup, startTestEmulator, testClientId, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";

/** The service's own ARM port (aci.ts), with the real SDK and credential, against the emulator. */
describe("the ARM port of the service", () => {
  let emulator: Emulator;
  let port: ContainerGroupPort;
  const name = "port-job";

  beforeAll(async () => {
    emulator = await startTestEmulator();
    process.env["IDENTITY_ENDPOINT"] = emulator.identityEndpoint;
    process.env["IDENTITY_HEADER"] = emulator.identityHeader;
    const client = createArmClient({
      credential: new ManagedIdentityCredential({ clientId: testClientId }),
      subscriptionId: testSubscriptionId,
      endpoint: emulator.url,
    });
    port = createAciPort({
      client,
      endpoint: emulator.url,
      subscriptionId: testSubscriptionId,
      resourceGroup: testResourceGroup,
      containerGroup: name,
      callBudgetMs: 1_000,
      transitioningRetry: { initialDelayMs: 20 },
    });
  });

  afterAll(() => emulator?.close());

  /** The group as read, as the re-create sends it (its secret put back): the service's own stripping. */
  async function sendable() {
    const body = withoutReadOnlyFields(await port.read());
    body.properties.containers[0]!.properties.environmentVariables = [{ name: "PLAIN", value: "p" }, { name: "SECRET", secureValue: "hidden" }];
    return body;
  }

  beforeEach(() => {
    emulator.faults.clear();
    emulator.putGroup(
      testSubscriptionId,
      testResourceGroup,
      name,
      jobGroup([{ name: "PLAIN", value: "p" }, { name: "SECRET", secureValue: "hidden" }], { futureProperty: { kept: true } }),
      { terminated: true },
    );
    emulator.clearRequests();
  });

  it("reads the raw wire JSON, keeping properties the SDK's models do not know", async () => {
    const group = await port.read();
    expect(group.properties["futureProperty"]).toEqual({ kept: true });
    expect(group.properties.containers[0]?.properties.environmentVariables).toEqual([{ name: "PLAIN", value: "p" }, { name: "SECRET" }]);
    expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("reports a group that does not exist as ARM's 404 ResourceNotFound", async () => {
    const missing = createAciPort({
      client: armClient(emulator).client,
      endpoint: emulator.url,
      subscriptionId: testSubscriptionId,
      resourceGroup: testResourceGroup,
      containerGroup: "no-such-group",
      callBudgetMs: 1_000,
    });
    const error = await missing.read().catch((e: unknown) => e);
    expect(isRestError(error) && error.statusCode === 404 && error.code === "ResourceNotFound").toBe(true);
  });

  it("re-creates the group with exactly one PUT and no poll of the operation", async () => {
    const body = await sendable();
    body.properties.containers[0]!.properties.environmentVariables = [{ name: "PLAIN", value: "q" }, { name: "SECRET", secureValue: "hidden" }];
    const accepted = await port.replace(body);
    expect(accepted.properties.provisioningState).toBe("Pending");
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200", "PUT 200"]);
    const stored = emulator.getStoredGroup(testSubscriptionId, testResourceGroup, name) as typeof body;
    expect(stored.properties.containers[0]?.properties.environmentVariables).toEqual([
      { name: "PLAIN", value: "q" },
      { name: "SECRET", secureValue: "hidden" },
    ]);
  });

  it("waits out a transitioning group and then sends the PUT", async () => {
    const body = await sendable();
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "PUT", count: 2 });
    await port.replace(body);
    expect(emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([409, 409, 200]);
  });

  it("gives up on a group that stays transitioning within its time budget, with ARM's error", async () => {
    const body = await sendable();
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "PUT", count: 1_000 });
    const error = await port.replace(body).catch((e: unknown) => e);
    expect(isRestError(error) && error.statusCode === 409 && error.code === "ContainerGroupTransitioning").toBe(true);
    // It retried, then stopped: every PUT it sent was refused, and none got through.
    const puts = emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status);
    expect(puts.length).toBeGreaterThan(1);
    expect(new Set(puts)).toEqual(new Set([409]));
  });

  it("lets the SDK retry a short throttle, and surfaces a long one at once with its Retry-After", async () => {
    const body = await sendable();
    emulator.faults.add({ status: 429, retryAfterSeconds: 0, method: "PUT" });
    await port.replace(body);
    expect(emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([429, 200]);

    await eventually(() => port.read(), (g) => g.properties.provisioningState === "Succeeded");
    emulator.faults.add({ status: 429, retryAfterSeconds: 600, method: "PUT" });
    emulator.clearRequests();
    const error = await port.replace(body).catch((e: unknown) => e);
    expect(emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([429]);
    expect(isRestError(error) && error.statusCode === 429).toBe(true);
    expect(isRestError(error) && error.response?.headers.get("retry-after")).toBe("600");
  });

  it("rejects a definition ARM refuses with its CloudError code and sends it once", async () => {
    const body = withoutReadOnlyFields(await port.read());
    const error = await port.replace(body).catch((e: unknown) => e);
    expect(isRestError(error) && error.statusCode === 400 && error.code === "InvalidEnvironmentVariable").toBe(true);
    expect(emulator.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
  });

  it("stops the group and reads a container's logs with a tail", async () => {
    const body = withoutReadOnlyFields(await port.read());
    body.properties.containers[0]!.properties.environmentVariables = [{ name: "EMULATOR_RUN_MS", value: "5000" }];
    await port.replace(body);
    await eventually(() => port.read(), (g) => g.properties.instanceView?.state === "Running");
    await port.stop();
    expect((await port.read()).properties.instanceView?.state).toBe("Stopped");
    const logs = await port.logs("job", 1);
    expect(logs.trim().split("\n")).toHaveLength(1);
  });
});
