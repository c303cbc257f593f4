import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { createArmPort, type ArmPort } from "../../service/arm/arm-port.js";
import { createStandbyPort, type StandbyPort } from "../../service/arm/standby-port.js";
import { aciStandbyApiVersion } from "../../service/core/aci-api-version.js";
import { carriesRun } from "../../service/core/carried-run.js";
import { claimBody, standbyGroupName, type WireClaim } from "../../service/core/standby-claim.js";
import { ServiceError } from "../../service/core/service-error.js";
import { testRetryOptions } from "../helpers/arm-port.js";
import { armClient, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { poolBody, poolId, profileBody, profileId } from "../helpers/standby.js";

const refillMs = 3_600_000;
const target = { location: "westeurope", profile: { id: profileId("worker"), revision: 1 }, pool: poolId("worker-pool") };
const runId = "0193a5c0-0000-7000-8000-00000000a001";

/** The service's own ports (real SDK pipeline and credential) against the emulator's standby feature. */
describe("the standby dispatch's ARM calls on the emulator", () => {
  let emulator: Emulator;
  let arm: ArmPort;
  let standby: StandbyPort;
  let offset = 0;

  beforeAll(async () => {
    emulator = await startTestEmulator({ clock: () => Date.now() + offset, standby: { claimMs: 10, coldCreateMs: 50, refillMs } });
    emulator.standby.putProfile(testSubscriptionId, testResourceGroup, "worker", profileBody());
    emulator.standby.putPool(testSubscriptionId, testResourceGroup, "worker-pool", poolBody("worker", { maxReadyCapacity: 1 }));
    // The pool's instance is ready a refill after its PUT; the clock moves there before any token
    // is issued, so no token the client caches is expired on the emulator's clock.
    offset += refillMs;
    const { credential } = armClient(emulator);
    const options = { credential, subscriptionId: testSubscriptionId, endpoint: emulator.url, resourceGroup: testResourceGroup, retry: testRetryOptions() };
    arm = createArmPort({ ...options, groupApiVersion: aciStandbyApiVersion });
    standby = createStandbyPort({ ...options, profile: target.profile, pool: target.pool });
  });

  afterAll(() => emulator?.close());

  const claim = (attempt: number, env: Record<string, string> = {}): WireClaim => {
    const built = claimBody({ runId, attempt, request: { env }, target, container: "job", secureNames: new Set(["API_TOKEN"]) });
    if (!built.ok) throw new Error("claim refused");
    return built.body;
  };

  it("reads the profile's containers at the claimed revision, the secure value withheld", async () => {
    const [job] = await standby.profileContainers();
    expect(job?.name).toBe("job");
    expect(job?.properties.environmentVariables).toContainEqual({ name: "API_TOKEN" });
  });

  it("counts the pool's ready instances from its runtime view", async () => {
    expect(await standby.readyInstances()).toBe(1);
  });

  it("claims the ready instance, then creates cold once the pool is empty; each group carries its run through its config map", async () => {
    const first = standbyGroupName(runId, 1);
    expect(await arm.put(first, claim(1, { GREETING: "hi" }))).toStrictEqual({ kind: "accepted" });
    const claimed = await arm.read(first);
    expect(claimed.properties["isCreatedFromStandbyPool"]).toBe(true);
    expect(carriesRun(claimed, { id: runId, attempt: 1 }, "job")).toBe(true);
    expect(carriesRun(claimed, { id: runId, attempt: 2 }, "job")).toBe(false);
    expect(emulator.standby.configMapFiles(testSubscriptionId, testResourceGroup, first)).toMatchObject({ "/mnt/configmap/job/GREETING": "hi", "/mnt/configmap/job/TRIGGER_RUN_ID": runId });
    expect(await standby.readyInstances()).toBe(0);

    const second = standbyGroupName(runId, 2);
    expect(await arm.put(second, claim(2))).toStrictEqual({ kind: "accepted" });
    expect((await arm.read(second)).properties["isCreatedFromStandbyPool"]).toBe(false);
  });

  // The claim body is all Azure accepts (FACTS §4); the emulator refuses anything more as Azure does,
  // so a claim the service built with one more property would fail every standby test.
  it.each([
    ["a restart policy", (body: WireClaim) => Object.assign(body.properties, { restartPolicy: "Never" })],
    ["an IP address", (body: WireClaim) => Object.assign(body.properties, { ipAddress: { type: "Public", ports: [{ port: 80 }] } })],
    ["an env var", (body: WireClaim) => Object.assign(body.properties.containers[0]!.properties, { environmentVariables: [{ name: "A", value: "1" }] })],
    ["an image", (body: WireClaim) => Object.assign(body.properties.containers[0]!.properties, { image: "registry.example/other:1" })],
    ["a command", (body: WireClaim) => Object.assign(body.properties.containers[0]!.properties, { command: ["echo"] })],
  ])("a claim with %s is refused as ARM refuses it, and creates nothing", async (_what, widen) => {
    const body = claim(3);
    widen(body);
    const name = standbyGroupName(runId, 3);
    const refused = await arm.put(name, body).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({ code: "ArmRejectedDefinition", details: { armCode: "BadRequest" } });
    await expect(arm.read(name)).rejects.toMatchObject({ code: "ContainerGroupNotFound" });
  });

  it("deletes a run's group, and a group already gone alike", async () => {
    const name = standbyGroupName(runId, 1);
    await standby.deleteGroup(name);
    await expect(arm.read(name)).rejects.toMatchObject({ code: "ContainerGroupNotFound" });
    await standby.deleteGroup(name);
  });
});
