import { beforeAll, describe, expect, it } from "vitest";
import { claimRefusedMessage } from "../../emulator/index.js";
import { eventually, groupPath, manualClock, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";
import { aciVersion, claimBody, groupAt, poolBody, poolId, poolSteps, poolVersion, previewVersion, profileBody, profileId, standbyCalls } from "../helpers/standby.js";

// Claims (a group PUT naming a profile and a pool): from a ready instance, the cold fallback, and
// what a claim may carry. test/emulator/standby-config-map.test.ts covers the claimed group's job.
const clock = manualClock();
const timings = { claimMs: 0, coldCreateMs: 2_000, refillMs: 1_000 };
const arm = useArmEmulator({ clock: clock.now, standby: timings, timings: { pendingMs: 5, creatingMs: 5, runMs: 500 } });
const { call, link } = standbyCalls(arm);
const { readyPool, runtimeCounts } = poolSteps(call, clock, timings.refillMs);

beforeAll(async () => {
  await call("PUT", `${profileId("worker")}?api-version=${aciVersion}`, profileBody({ configMap: { FROM_PROFILE: "yes" } }));
});

describe("a claim from a pool with a ready instance", () => {
  it("answers 201 with the profile's running group, created from the pool, the config map and no standbyPoolProfile", async () => {
    await readyPool("warm", "worker");
    const answer = await call("PUT", groupAt("claimed"), claimBody("worker", "warm", { pairs: { RUN_ID: "r1" } }));
    expect(answer.status).toBe(201);
    const { properties } = answer.body;
    expect(properties).toMatchObject({ isCreatedFromStandbyPool: true, provisioningState: "Succeeded", instanceView: { state: "Running" }, containerGroupProfile: { id: profileId("worker"), revision: 1 } });
    expect(properties).not.toHaveProperty("standbyPoolProfile");
    const [container] = properties.containers;
    expect(container.name).toBe("job");
    expect(container.properties).toMatchObject({ image: "registry.example/job:1", configMap: { keyValuePairs: { RUN_ID: "r1" } }, instanceView: { currentState: { state: "Running" } } });
    expect(container.properties.environmentVariables).toEqual([{ name: "JOB_MODE", value: "standby" }, { name: "API_TOKEN" }]);
    expect(answer.body).toMatchObject({ id: groupPath("claimed"), location: "westeurope", tags: {} });
    const operation = await link(answer.headers["azure-asyncoperation"]);
    expect(operation.body).toEqual({ id: groupPath("claimed"), status: "Succeeded", startTime: expect.any(String) });
  });

  it("adds the 2025-09-01 spec's Location and Retry-After, whose result is the group, and leaves them out at the recorded preview", async () => {
    await readyPool("located", "worker", 2);
    const answer = await call("PUT", groupAt("located"), claimBody("worker", "located"));
    expect(answer.headers["retry-after"]).toBe("0");
    expect(answer.headers["location"]).toMatch(/\/providers\/Microsoft\.ContainerInstance\/locations\/westeurope\/operationResults\/[0-9a-f-]{36}\?api-version=2025-09-01$/);
    const result = await link(answer.headers["location"]);
    expect([result.status, result.body.id, result.body.properties.isCreatedFromStandbyPool]).toEqual([200, groupPath("located"), true]);
    const preview = await call("PUT", groupAt("located-preview", previewVersion), claimBody("worker", "located"));
    expect([preview.status, preview.headers["location"], preview.headers["retry-after"]]).toEqual([201, undefined, undefined]);
  });

  it("takes one instance and starts its replacement, ready after the refill delay", async () => {
    await readyPool("refilling", "worker", 2);
    await call("PUT", groupAt("refill-1"), claimBody("worker", "refilling"));
    expect(await runtimeCounts("refilling")).toEqual([1, 1]);
    clock.advance(timings.refillMs);
    expect(await runtimeCounts("refilling")).toEqual([2, 0]);
  });

  it("ignores a config map sent under another container's name: the group shows the profile's own map", async () => {
    await readyPool("misnamed", "worker");
    const answer = await call("PUT", groupAt("misnamed"), claimBody("worker", "misnamed", { container: "misnamed", pairs: { KEY1: "VALUE1" } }));
    expect(answer.status).toBe(201);
    expect(answer.body.properties.containers.map((c: { name: string; properties: { configMap: unknown } }) => [c.name, c.properties.configMap])).toEqual([["job", { keyValuePairs: { FROM_PROFILE: "yes" } }]]);
  });

  it("holds the claim for the claim time: while it is unanswered, its instance is taken and its group does not exist", async () => {
    await readyPool("held", "worker");
    arm.emulator.standby.setTimings({ claimMs: 3_000 });
    try {
      const claim = call("PUT", groupAt("held"), claimBody("worker", "held"));
      const record = await eventually(async () => arm.emulator.requests.find((r) => r.method === "PUT" && r.path === groupPath("held")), (r) => r !== undefined);
      expect(await runtimeCounts("held")).toEqual([1, 1]);
      expect((await call("GET", groupAt("held"))).status).toBe(404);
      expect(record?.status).toBe(0);
      expect((await claim).body.properties.instanceView.state).toBe("Running");
    } finally {
      arm.emulator.standby.setTimings({ claimMs: 0 });
    }
  });

  it("answers a claim repeated while the first is held with the group once it exists, taking no second instance", async () => {
    await readyPool("held-twice", "worker", 2);
    arm.emulator.standby.setTimings({ claimMs: 1_000 });
    try {
      const answers = await Promise.all([call("PUT", groupAt("held-twice"), claimBody("worker", "held-twice")), call("PUT", groupAt("held-twice"), claimBody("worker", "held-twice"))]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
      expect(answers.map((a) => a.body.properties.instanceView.state)).toEqual(["Running", "Running"]);
    } finally {
      arm.emulator.standby.setTimings({ claimMs: 0 });
    }
    expect(await runtimeCounts("held-twice")).toEqual([1, 1]);
  });

  it("answers a claim whose first answer was lost, when the pipeline retries it, with its group and one instance taken", async () => {
    await readyPool("lost-answer", "worker", 2);
    arm.emulator.faults.add({ method: "PUT", path: "/containerGroups/lost-answer", status: 503, afterApply: true });
    const answer = await call("PUT", groupAt("lost-answer"), claimBody("worker", "lost-answer"));
    expect([answer.status, answer.body.properties.isCreatedFromStandbyPool]).toEqual([200, true]);
    expect(arm.emulator.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/containerGroups/lost-answer")).map((r) => r.status)).toEqual([503, 200]);
    expect(await runtimeCounts("lost-answer")).toEqual([1, 1]);
  });

  it("answers a repeated claim of the same group with the group, taking no second instance", async () => {
    await readyPool("repeat", "worker", 2);
    await call("PUT", groupAt("repeat"), claimBody("worker", "repeat"));
    const again = await call("PUT", groupAt("repeat"), claimBody("worker", "repeat"));
    expect([again.status, again.body.properties.isCreatedFromStandbyPool]).toEqual([200, true]);
    expect(await runtimeCounts("repeat")).toEqual([1, 1]);
  });

  it("serves 10 concurrent claims on a pool of 3 ready instances with 3 claims and 7 cold creates", async () => {
    await readyPool("ten", "worker", 3);
    const names = Array.from({ length: 10 }, (_, i) => `ten-${i}`);
    const answers = await Promise.all(names.map((name) => call("PUT", groupAt(name), claimBody("worker", "ten"))));
    expect(answers.map((a) => a.status)).toEqual(names.map(() => 201));
    const fromPool = answers.map((a) => a.body.properties.isCreatedFromStandbyPool);
    expect([fromPool.filter((f) => f).length, fromPool.filter((f) => !f).length]).toEqual([3, 7]);
    expect(await runtimeCounts("ten")).toEqual([0, 3]);
  });
});

describe("a claim the pool cannot serve", () => {
  it("falls back to a cold create: 201 Pending, not from the pool, Running after the cold-create time", async () => {
    await call("PUT", `${poolId("empty")}?api-version=${poolVersion}`, poolBody("worker", { maxReadyCapacity: 0 }));
    const answer = await call("PUT", groupAt("cold"), claimBody("worker", "empty", { pairs: { RUN_ID: "r2" } }));
    expect(answer.status).toBe(201);
    expect(answer.body.properties).toMatchObject({ isCreatedFromStandbyPool: false, provisioningState: "Pending", containerGroupProfile: { id: profileId("worker"), revision: 1 } });
    expect(answer.headers["azure-asyncoperation"]).toBeDefined();
    expect(answer.headers["retry-after"]).toBe(String(timings.coldCreateMs / 1000));
    expect((await link(answer.headers["location"])).status).toBe(202);
    expect((await call("GET", groupAt("cold"))).body.properties.instanceView.state).toBe("Pending");
    clock.advance(timings.coldCreateMs);
    expect((await link(answer.headers["location"])).body.properties.provisioningState).toBe("Succeeded");
    const running = await call("GET", groupAt("cold"));
    expect(running.body.properties).toMatchObject({ provisioningState: "Succeeded", instanceView: { state: "Running" } });
    expect(running.body.properties.containers[0].properties.configMap).toEqual({ keyValuePairs: { RUN_ID: "r2" } });
  });

  it("falls back to a cold create while the pool's instances are still being created", async () => {
    await call("PUT", `${poolId("creating")}?api-version=${poolVersion}`, poolBody("worker"));
    expect((await call("PUT", groupAt("early"), claimBody("worker", "creating"))).body.properties.isCreatedFromStandbyPool).toBe(false);
  });

  it("falls back to a cold create when the pool holds another revision of the profile", async () => {
    await call("PUT", `${profileId("twice")}?api-version=${aciVersion}`, profileBody());
    await call("PUT", `${profileId("twice")}?api-version=${aciVersion}`, profileBody({ restartPolicy: "OnFailure" }));
    await readyPool("pinned", "twice", 1, 1);
    expect((await call("PUT", groupAt("other-revision"), claimBody("twice", "pinned", { revision: 2 }))).body.properties.isCreatedFromStandbyPool).toBe(false);
    const pinned = await call("PUT", groupAt("pinned-revision"), claimBody("twice", "pinned", { revision: 1 }));
    expect(pinned.body.properties).toMatchObject({ isCreatedFromStandbyPool: true, restartPolicy: "Never" });
  });

  it("cold-creates a group from a profile named without a pool, its latest revision when it names none", async () => {
    await call("PUT", `${profileId("latest")}?api-version=${aciVersion}`, profileBody());
    await call("PUT", `${profileId("latest")}?api-version=${aciVersion}`, profileBody({ restartPolicy: "OnFailure" }));
    const body = claimBody("latest", "unused") as { properties: Record<string, any> };
    delete body.properties.standbyPoolProfile;
    delete body.properties.containerGroupProfile.revision;
    const answer = await call("PUT", groupAt("from-profile"), body);
    expect([answer.status, answer.body.properties.isCreatedFromStandbyPool, answer.body.properties.containerGroupProfile.revision, answer.body.properties.restartPolicy]).toEqual([201, false, 2, "OnFailure"]);
  });

  it("fails the claim when the pool has no ready instance and the fail flag is set (unverified wording)", async () => {
    await call("PUT", `${poolId("strict")}?api-version=${poolVersion}`, poolBody("worker", { maxReadyCapacity: 0 }));
    const answer = await call("PUT", groupAt("strict"), claimBody("worker", "strict", { fail: true }));
    expect([answer.status, answer.body.error.code]).toEqual([400, "StandyPoolReservationFailed"]);
    expect(answer.body.error.message).toContain("InsufficientContainerGroups");
    expect((await call("GET", groupAt("strict"))).status).toBe(404);
  });

  it("answers 404 for a profile, a revision or a pool that does not exist", async () => {
    await readyPool("exists", "worker");
    expect((await call("PUT", groupAt("no-profile"), claimBody("absent", "exists"))).body.error.code).toBe("ResourceNotFound");
    expect((await call("PUT", groupAt("no-revision"), claimBody("worker", "exists", { revision: 9 }))).status).toBe(404);
    expect((await call("PUT", groupAt("no-pool"), claimBody("worker", "absent"))).body.error.code).toBe("ResourceNotFound");
  });
});

describe("what a claim may carry", () => {
  const refused: Array<[string, (body: any) => void]> = [
    ["properties.osType", (b) => (b.properties.osType = "Linux")],
    ["properties.ipAddress (the CLI's default ports)", (b) => (b.properties.ipAddress = { type: "Public", ports: [{ port: 80 }] })],
    ["properties.restartPolicy", (b) => (b.properties.restartPolicy = "Never")],
    ["a container's image", (b) => (b.properties.containers[0].properties.image = "registry.example/job:1")],
    ["a container's environmentVariables", (b) => (b.properties.containers[0].properties.environmentVariables = [{ name: "A", value: "1" }])],
    ["a container's command", (b) => (b.properties.containers[0].properties.command = ["node"])],
    ["a container's resources", (b) => (b.properties.containers[0].properties.resources = { requests: { cpu: 1, memoryInGB: 1 } })],
    ["zones", (b) => (b.zones = ["1"])],
    ["an unknown key in the config map", (b) => (b.properties.containers[0].properties.configMap.other = {})],
  ];

  it.each(refused)("refuses %s with ARM's exact 400", async (_, change) => {
    await readyPool("strict-body", "worker");
    const body = claimBody("worker", "strict-body");
    change(body);
    const answer = await call("PUT", groupAt("refused"), body);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: "BadRequest", message: claimRefusedMessage } });
    expect(claimRefusedMessage).toBe("ContainerGroup properties other than config map are not allowed");
  });

  it("is no claim at 2023-05-01, which knows no profiles: the body lacks what a group needs", async () => {
    await readyPool("old-version", "worker");
    const answer = await call("PUT", groupAt("old-version", "2023-05-01"), claimBody("worker", "old-version"));
    expect([answer.status, answer.body.error.code]).toEqual([400, "InvalidRequestContent"]);
  });

  it("accepts location, tags, identity and subnetIds beside the config maps", async () => {
    await readyPool("extras", "worker");
    const body = claimBody("worker", "extras") as any;
    body.tags = { run: "r3" };
    body.identity = { type: "SystemAssigned" };
    body.properties.subnetIds = [{ id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/s` }];
    const answer = await call("PUT", groupAt("extras"), body);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ tags: { run: "r3" }, identity: { type: "SystemAssigned", principalId: expect.any(String) }, properties: { subnetIds: body.properties.subnetIds } });
  });
});
