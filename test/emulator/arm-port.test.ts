import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import type { ArmPort } from "../../service/arm/arm-port.js";
import type { WireContainerGroup } from "../../service/core/arm-types.js";
import { ServiceError } from "../../service/core/service-error.js";
import { withoutReadOnlyFields } from "../../service/core/read-only-fields.js";
import { testArmPort } from "../helpers/arm-port.js";
import { eventually, jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";

/** The service's own ARM port with the real SDK and credential, against the emulator's recorded-ARM answers. */
describe("the service's ARM port on the emulator", () => {
  let emulator: Emulator;
  let arm: ArmPort;
  const name = "port-job";
  const env = [{ name: "PLAIN", value: "p" }, { name: "SECRET", secureValue: "hidden" }];

  beforeAll(async () => {
    emulator = await startTestEmulator();
    arm = testArmPort(emulator).arm;
  });

  afterAll(() => emulator?.close());

  beforeEach(() => {
    emulator.faults.clear();
    emulator.putGroup(testSubscriptionId, testResourceGroup, name, jobGroup(env, { futureProperty: { kept: true } }), { terminated: true });
    emulator.clearRequests();
  });

  /** The group as read, its secret put back: `strip` decides whether what ARM computes is left out. */
  async function resend(strip: boolean): Promise<WireContainerGroup> {
    const read = await arm.read(name);
    const body = strip ? withoutReadOnlyFields(read) : structuredClone(read);
    body.properties.containers[0]!.properties.environmentVariables = structuredClone(env);
    emulator.clearRequests();
    return body;
  }

  it("reads the raw wire JSON: unknown properties kept, the provisioning timeout ARM shows, secrets withheld", async () => {
    const group = await arm.read(name);
    expect(group.properties["futureProperty"]).toEqual({ kept: true });
    expect(group.properties).toMatchObject({ provisioningTimeoutInSeconds: 1800, isCustomProvisioningTimeout: false });
    expect(group.properties.containers[0]?.properties.environmentVariables).toEqual([{ name: "PLAIN", value: "p" }, { name: "SECRET" }]);
    expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("has the re-create accepted with one PUT once what ARM computes, the provisioning timeout included, is left out", async () => {
    const body = await resend(true);
    expect(body.properties).not.toHaveProperty("provisioningTimeoutInSeconds");
    expect(await arm.put(name, body)).toEqual({ kind: "accepted" });
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 200"]);
    const stored = emulator.getStoredGroup(testSubscriptionId, testResourceGroup, name) as WireContainerGroup;
    expect(stored.properties["futureProperty"]).toEqual({ kept: true });
    expect(stored.properties.containers[0]?.properties.environmentVariables).toEqual(env);
  });

  it("sees a PUT that copies the provisioning timeout back rejected as a definition ARM refuses, with ARM's code", async () => {
    const error = await arm.put(name, await resend(false)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: "ArmRejectedDefinition", details: { armCode: "CustomProvisioningTimeoutInSecondsNotSuppported" } });
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 400"]);
  });

  it("stops a running group, which then reads Stopped with its container stopped per client request", async () => {
    const body = await resend(true);
    body.properties.containers[0]!.properties.environmentVariables = [{ name: "EMULATOR_RUN_MS", value: "600000" }];
    expect(await arm.put(name, body)).toEqual({ kind: "accepted" });
    await eventually(() => arm.read(name), (g) => g.properties.instanceView?.state === "Running");
    await arm.stop(name);
    const stopped = await arm.read(name);
    expect(stopped.properties.instanceView?.state).toBe("Stopped");
    expect(stopped.properties.containers[0]?.properties.instanceView?.currentState).toEqual({
      state: "Terminated",
      finishTime: expect.any(String),
      detailStatus: "Container stopped per client request",
    });
    expect((await arm.logs(name, "job", 1)).trim().split("\n")).toHaveLength(1);
  });
});
