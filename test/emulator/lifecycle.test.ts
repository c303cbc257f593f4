import { describe, expect, it } from "vitest";
import type { ContainerGroup } from "@azure/arm-containerinstance";
import {
  eventually,
  fastPolling,
  jobGroup,
  jobGroupModel,
  testResourceGroup as rg,
  testSubscriptionId as sub,
  useArmEmulator,
} from "../helpers/emulator.js";

// Long enough phases to observe each state between polls.
const arm = useArmEmulator({ timings: { pendingMs: 60, creatingMs: 60, runMs: 120 } });

const get = (name: string) => arm.client.containerGroups.get(rg, name);
const job = (group: ContainerGroup) => group.containers[0]?.instanceView;

describe("one run", () => {
  it("goes Pending → Creating → Succeeded while the group goes Pending → Running → Succeeded", async () => {
    arm.emulator.putGroup(sub, rg, "life", jobGroup());
    const seen = new Set<string>();
    await eventually(
      async () => {
        const group = await get("life");
        seen.add(`${group.provisioningState}/${group.instanceView?.state}/${job(group)?.currentState?.state}`);
        return group;
      },
      (g) => g.instanceView?.state === "Succeeded",
    );
    // Polls may miss a short phase on a loaded machine, but never see one out of order.
    const order = ["Pending/Pending/Waiting", "Creating/Pending/Waiting", "Succeeded/Running/Running", "Succeeded/Succeeded/Terminated"];
    const indexes = [...seen].map((s) => order.indexOf(s));
    expect(indexes).not.toContain(-1);
    expect(indexes).toEqual([...indexes].sort());
    expect(indexes[0]).toBe(0);
    expect(indexes.at(-1)).toBe(3);
  });

  it("ends a run that exits 0 with a Completed container and the Pulling, Pulled, Started events", async () => {
    arm.emulator.putGroup(sub, rg, "ok", jobGroup(), { terminated: true });
    const view = job(await get("ok"));
    expect(view?.restartCount).toBe(0);
    expect(view?.currentState).toMatchObject({ state: "Terminated", exitCode: 0, detailStatus: "Completed" });
    const { startTime, finishTime } = view?.currentState ?? {};
    expect(finishTime!.getTime() - startTime!.getTime()).toBe(120);
    expect(view?.events?.map((e) => e.name)).toEqual(["Pulling", "Pulled", "Started"]);
  });

  it("fails the group when the container's EMULATOR_EXIT_CODE is not 0", async () => {
    await arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "fails", jobGroupModel([{ name: "EMULATOR_EXIT_CODE", value: "3" }]), fastPolling);
    const group = await eventually(() => get("fails"), (g) => g.instanceView?.state !== "Running");
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
    arm.emulator.putGroup(sub, rg, "long", jobGroup([{ name: "EMULATOR_RUN_MS", value: "60000" }]), { terminated: true });
    const group = await get("long");
    expect(group.instanceView?.state).toBe("Succeeded");
    arm.emulator.putGroup(sub, rg, "long", jobGroup([{ name: "EMULATOR_RUN_MS", value: "60000" }]));
    const running = await eventually(() => get("long"), (g) => g.instanceView?.state === "Running");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await get("long")).instanceView?.state).toBe(running.instanceView?.state);
  });

  it("reports the group Running until its slowest container has exited", async () => {
    const body = jobGroup();
    const containers = (body.properties as { containers: unknown[] }).containers;
    containers.push({
      name: "sidecar",
      properties: { image: "busybox", environmentVariables: [{ name: "EMULATOR_RUN_MS", value: "700" }], resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } } },
    });
    arm.emulator.putGroup(sub, rg, "two", body);
    const group = await eventually(() => get("two"), (g) => job(g)?.currentState?.state === "Terminated");
    expect(group.instanceView?.state).toBe("Running");
    expect(group.containers[1]?.instanceView?.currentState?.state).toBe("Running");
    const done = await eventually(() => get("two"), (g) => g.instanceView?.state !== "Running");
    expect(done.instanceView?.state).toBe("Succeeded");
  });

  it("shows init containers terminated with exit code 0 once provisioned", async () => {
    const init = { name: "init", properties: { image: "busybox", command: ["true"], environmentVariables: [] } };
    arm.emulator.putGroup(sub, rg, "init", jobGroup([], { initContainers: [init] }), { terminated: true });
    const group = await get("init");
    expect(group.initContainers?.[0]?.instanceView?.currentState).toMatchObject({ state: "Terminated", exitCode: 0 });
  });
});

describe("restart policies", () => {
  it("restarts a container under Always after each exit, counting restarts, while the group stays Running", async () => {
    arm.emulator.putGroup(sub, rg, "always", jobGroup([{ name: "EMULATOR_RUN_MS", value: "20" }], { restartPolicy: "Always" }));
    const group = await eventually(() => get("always"), (g) => (job(g)?.restartCount ?? 0) >= 2);
    expect(group.instanceView?.state).toBe("Running");
    expect(job(group)?.currentState?.state).toBe("Running");
    expect(job(group)?.previousState).toMatchObject({ state: "Terminated", exitCode: 0 });
  });

  it("restarts only a failing container under OnFailure", async () => {
    arm.emulator.putGroup(sub, rg, "onfailure-ok", jobGroup([], { restartPolicy: "OnFailure" }), { terminated: true });
    expect((await get("onfailure-ok")).instanceView?.state).toBe("Succeeded");
    arm.emulator.putGroup(sub, rg, "onfailure-bad", jobGroup([{ name: "EMULATOR_EXIT_CODE", value: "1" }, { name: "EMULATOR_RUN_MS", value: "20" }], { restartPolicy: "OnFailure" }));
    const group = await eventually(() => get("onfailure-bad"), (g) => (job(g)?.restartCount ?? 0) >= 1);
    expect(group.instanceView?.state).toBe("Running");
    expect(job(group)?.previousState).toMatchObject({ state: "Terminated", exitCode: 1, detailStatus: "Error" });
  });
});

describe("transitions", () => {
  it("refuses PUT, stop, start, restart and delete with 409 ContainerGroupTransitioning while provisioning", async () => {
    arm.emulator.putGroup(sub, rg, "busy", jobGroup([{ name: "EMULATOR_PENDING_MS", value: "30000" }]));
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
    await eventually(() => get("replace"), (g) => g.instanceView?.state === "Running");
    await arm.client.containerGroups.beginCreateOrUpdate(rg, "replace", jobGroupModel());
    expect(job(await get("replace"))?.previousState).toMatchObject({ state: "Terminated", exitCode: 137, detailStatus: "Killed" });
  });
});
