import { describe, expect, it } from "vitest";
import type { ContainerGroup } from "@azure/arm-containerinstance";
import {
  fastPolling,
  groupPath,
  jobGroup,
  jobGroupModel,
  manualClock,
  rawArm,
  testResourceGroup as rg,
  testSubscriptionId as sub,
  useArmEmulator,
} from "../helpers/emulator.js";

// The emulator's time moves only when a test advances it, so every phase is read exactly.
const timings = { pendingMs: 1_000, creatingMs: 1_000, runMs: 5_000 };
const provisioned = timings.pendingMs + timings.creatingMs;
const clock = manualClock();
const arm = useArmEmulator({ timings, clock: clock.now });

const get = (name: string) => arm.client.containerGroups.get(rg, name);
const job = (group: ContainerGroup) => group.containers[0]?.instanceView;
const phase = (group: ContainerGroup) => `${group.provisioningState}/${group.instanceView?.state}/${job(group)?.currentState?.state}`;

describe("one run", () => {
  it("goes Pending → Creating → Succeeded while the group goes Pending → Running → Succeeded", async () => {
    arm.emulator.putGroup(sub, rg, "life", jobGroup());
    const seen = [phase(await get("life"))];
    for (const step of [timings.pendingMs, timings.creatingMs, timings.runMs]) {
      clock.advance(step);
      seen.push(phase(await get("life")));
    }
    expect(seen).toEqual(["Pending/Pending/Waiting", "Creating/Pending/Waiting", "Succeeded/Running/Running", "Succeeded/Succeeded/Terminated"]);
  });

  it("ends a run that exits 0 with a Completed container and the Pulling, Pulled, Started events", async () => {
    arm.emulator.putGroup(sub, rg, "ok", jobGroup(), { terminated: true });
    const view = job(await get("ok"));
    expect(view?.restartCount).toBe(0);
    expect(view?.currentState).toMatchObject({ state: "Terminated", exitCode: 0, detailStatus: "Completed" });
    const { startTime, finishTime } = view?.currentState ?? {};
    expect(finishTime!.getTime() - startTime!.getTime()).toBe(timings.runMs);
    expect(view?.events?.map((e) => e.name)).toEqual(["Pulling", "Pulled", "Started"]);
  });

  it("fails the group when the container's EMULATOR_EXIT_CODE is not 0", async () => {
    const poller = await arm.client.containerGroups.beginCreateOrUpdate(rg, "fails", jobGroupModel([{ name: "EMULATOR_EXIT_CODE", value: "3" }]), fastPolling);
    clock.advance(provisioned + timings.runMs);
    await poller.pollUntilDone();
    const group = await get("fails");
    expect(group.instanceView?.state).toBe("Failed");
    expect(group.provisioningState).toBe("Succeeded");
    expect(job(group)?.currentState).toMatchObject({ state: "Terminated", exitCode: 3, detailStatus: "Error" });
  });

  it("takes the exit code and run time from a secure env var as well", async () => {
    arm.emulator.putGroup(sub, rg, "secure-knobs", jobGroup([{ name: "EMULATOR_EXIT_CODE", secureValue: "9" }, { name: "EMULATOR_RUN_MS", secureValue: "5" }]), { terminated: true });
    const state = job(await get("secure-knobs"))?.currentState;
    expect(state?.exitCode).toBe(9);
    expect(state!.finishTime!.getTime() - state!.startTime!.getTime()).toBe(5);
  });

  it("keeps a container running as long as its EMULATOR_RUN_MS says", async () => {
    arm.emulator.putGroup(sub, rg, "long", jobGroup([{ name: "EMULATOR_RUN_MS", value: "60000" }]));
    clock.advance(provisioned + 59_999);
    expect(phase(await get("long"))).toBe("Succeeded/Running/Running");
    clock.advance(1);
    expect(phase(await get("long"))).toBe("Succeeded/Succeeded/Terminated");
  });

  it("reports the group Running until its slowest container has exited", async () => {
    const body = jobGroup();
    const containers = (body.properties as { containers: unknown[] }).containers;
    containers.push({
      name: "sidecar",
      properties: { image: "busybox", environmentVariables: [{ name: "EMULATOR_RUN_MS", value: "7000" }], resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } } },
    });
    arm.emulator.putGroup(sub, rg, "two", body);
    clock.advance(provisioned + timings.runMs);
    const group = await get("two");
    expect(job(group)?.currentState?.state).toBe("Terminated");
    expect(group.instanceView?.state).toBe("Running");
    expect(group.containers[1]?.instanceView?.currentState?.state).toBe("Running");
    clock.advance(2_000);
    expect((await get("two")).instanceView?.state).toBe("Succeeded");
  });

  it("shows init containers terminated with exit code 0 once provisioned", async () => {
    const init = { name: "init", properties: { image: "busybox", command: ["true"], environmentVariables: [] } };
    arm.emulator.putGroup(sub, rg, "init", jobGroup([], { initContainers: [init] }), { terminated: true });
    const group = await get("init");
    expect(group.initContainers?.[0]?.instanceView?.currentState).toMatchObject({ state: "Terminated", exitCode: 0 });
  });
});

describe("the async operation", () => {
  const operationOf = (headers: Record<string, string>) => {
    const url = new URL(headers["azure-asyncoperation"] ?? "");
    return () => rawArm(arm.client, arm.emulator, "GET", url.pathname + url.search);
  };

  it("reads Pending, then Creating, then Succeeded with the containers' events, following the group", async () => {
    const put = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("op-phases")}?api-version=2023-05-01`, jobGroup());
    const operation = operationOf(put.headers);
    const statuses = [];
    for (const step of [0, timings.pendingMs, timings.creatingMs]) {
      clock.advance(step);
      const { body } = await operation();
      statuses.push(body.status);
      expect((await get("op-phases")).provisioningState).toBe(body.status);
    }
    expect(statuses).toEqual(["Pending", "Creating", "Succeeded"]);
    const done = (await operation()).body;
    expect(done).toEqual({ id: groupPath("op-phases"), status: "Succeeded", startTime: expect.any(String), properties: { events: expect.any(Array) } });
    expect(done.properties.events.map((e: { name: string }) => e.name)).toEqual(["Pulling", "Pulled", "Started"]);
  });

  it("answers a restart with 204 and an operation that reads Updating, as the group does, until the new run is provisioned", async () => {
    arm.emulator.putGroup(sub, rg, "restart-op", jobGroup(), { terminated: true });
    const restart = await rawArm(arm.client, arm.emulator, "POST", `${groupPath("restart-op", "/restart")}?api-version=2023-05-01`);
    expect(restart.status).toBe(204);
    const operation = operationOf(restart.headers);
    expect((await operation()).body.status).toBe("Updating");
    expect((await get("restart-op")).provisioningState).toBe("Updating");
    clock.advance(provisioned);
    expect((await operation()).body.status).toBe("Succeeded");
    expect(phase(await get("restart-op"))).toBe("Succeeded/Running/Running");
  });
});

describe("restart policies", () => {
  it("restarts a container under Always after each exit, counting restarts, while the group stays Running", async () => {
    arm.emulator.putGroup(sub, rg, "always", jobGroup([{ name: "EMULATOR_RUN_MS", value: "20" }], { restartPolicy: "Always" }));
    clock.advance(provisioned + 50);
    const group = await get("always");
    expect(job(group)?.restartCount).toBe(2);
    expect(group.instanceView?.state).toBe("Running");
    expect(job(group)?.currentState?.state).toBe("Running");
    expect(job(group)?.previousState).toMatchObject({ state: "Terminated", exitCode: 0 });
  });

  it("restarts only a failing container under OnFailure", async () => {
    arm.emulator.putGroup(sub, rg, "onfailure-ok", jobGroup([], { restartPolicy: "OnFailure" }), { terminated: true });
    expect((await get("onfailure-ok")).instanceView?.state).toBe("Succeeded");
    arm.emulator.putGroup(sub, rg, "onfailure-bad", jobGroup([{ name: "EMULATOR_EXIT_CODE", value: "1" }, { name: "EMULATOR_RUN_MS", value: "20" }], { restartPolicy: "OnFailure" }));
    clock.advance(provisioned + 30);
    const group = await get("onfailure-bad");
    expect(job(group)?.restartCount).toBe(1);
    expect(group.instanceView?.state).toBe("Running");
    expect(job(group)?.previousState).toMatchObject({ state: "Terminated", exitCode: 1, detailStatus: "Error" });
  });
});

describe("transitions", () => {
  it("refuses PUT, stop, start, restart and delete with 409 ContainerGroupTransitioning while provisioning", async () => {
    arm.emulator.putGroup(sub, rg, "busy", jobGroup());
    const message = "The container group 'busy' is still transitioning, please retry later.";
    const refused = { statusCode: 409, code: "ContainerGroupTransitioning", message };
    await expect(arm.client.containerGroups.beginCreateOrUpdate(rg, "busy", jobGroupModel())).rejects.toMatchObject(refused);
    await expect(arm.client.containerGroups.stop(rg, "busy")).rejects.toMatchObject(refused);
    await expect(arm.client.containerGroups.beginStart(rg, "busy")).rejects.toMatchObject(refused);
    await expect(arm.client.containerGroups.beginRestart(rg, "busy")).rejects.toMatchObject(refused);
    await expect(arm.client.containerGroups.beginDelete(rg, "busy")).rejects.toMatchObject(refused);
  });

  it("seeds a group already terminated when asked, so it accepts a PUT at once", async () => {
    arm.emulator.putGroup(sub, rg, "seeded", jobGroup(), { terminated: true });
    expect((await get("seeded")).instanceView?.state).toBe("Succeeded");
    await expect(arm.client.containerGroups.beginCreateOrUpdate(rg, "seeded", jobGroupModel())).resolves.toBeDefined();
  });

  it("kills a running container when a PUT replaces its run", async () => {
    arm.emulator.putGroup(sub, rg, "replace", jobGroup([{ name: "EMULATOR_RUN_MS", value: "60000" }]));
    clock.advance(provisioned);
    expect(phase(await get("replace"))).toBe("Succeeded/Running/Running");
    await arm.client.containerGroups.beginCreateOrUpdate(rg, "replace", jobGroupModel());
    expect(job(await get("replace"))?.previousState).toMatchObject({ state: "Terminated", exitCode: 137, detailStatus: "Killed" });
  });
});
