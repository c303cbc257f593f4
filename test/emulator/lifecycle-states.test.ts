import { describe, expect, it } from "vitest";
import { containerView, groupState, isTransitioning, planRun, provisioningFailure, provisioningState } from "../../emulator/lifecycle.js";
import { jobGroup } from "../helpers/emulator.js";

const timings = { pendingMs: 100, creatingMs: 100, runMs: 1000 };
const t0 = Date.parse("2026-01-01T00:00:00Z");

describe("the simulated lifecycle, computed from timestamps", () => {
  const run = planRun(jobGroup(), timings, 0, t0);
  const container = run.containers[0]!;

  it("provisions Pending, then Creating, then Succeeded, refusing writes until then", () => {
    expect([t0, t0 + 99, t0 + 100, t0 + 199, t0 + 200].map((t) => provisioningState(run, t))).toEqual(["Pending", "Pending", "Creating", "Creating", "Succeeded"]);
    expect(isTransitioning(run, t0 + 199)).toBe(true);
    expect(isTransitioning(run, t0 + 200)).toBe(false);
  });

  it("runs the container from the end of provisioning for runMs, then terminates it", () => {
    expect(containerView(run, container, t0 + 150).currentState).toEqual({ state: "Waiting", detailStatus: "" });
    expect(containerView(run, container, t0 + 200).currentState).toEqual({ state: "Running", startTime: "2026-01-01T00:00:00.200Z", detailStatus: "" });
    expect(containerView(run, container, t0 + 1200).currentState).toEqual({
      state: "Terminated",
      startTime: "2026-01-01T00:00:00.200Z",
      exitCode: 0,
      finishTime: "2026-01-01T00:00:01.200Z",
      detailStatus: "Completed",
    });
    expect([t0, t0 + 200, t0 + 1199, t0 + 1200].map((t) => groupState(run, t))).toEqual(["Pending", "Running", "Running", "Succeeded"]);
  });

  it("adds events as their moment passes", () => {
    expect(containerView(run, container, t0 + 50).events).toEqual([]);
    expect(containerView(run, container, t0 + 150).events.map((e) => e.name)).toEqual(["Pulling"]);
    expect(containerView(run, container, t0 + 250).events.map((e) => e.name)).toEqual(["Pulling", "Pulled", "Started"]);
  });

  it("freezes a stopped run as ARM shows a client stop: Stopped group, Terminated without exit code, the Running state as previousState", () => {
    const stopped = { ...run, stoppedAt: t0 + 500 };
    expect(groupState(stopped, t0 + 5000)).toBe("Stopped");
    const view = containerView(stopped, container, t0 + 5000);
    expect(view.currentState).toEqual({ state: "Terminated", finishTime: "2026-01-01T00:00:00.500Z", detailStatus: "Container stopped per client request" });
    expect(view.previousState).toEqual({ state: "Running", startTime: "2026-01-01T00:00:00.200Z", detailStatus: "" });
    expect(view.events.map((e) => e.name)).toEqual(["Pulling", "Pulled", "Started"]);
  });

  it("provisions a restart as Updating instead of Pending and Creating", () => {
    const restarted = planRun(jobGroup(), timings, 0, t0 + 2000, run, { restart: true });
    expect([t0 + 2000, t0 + 2150, t0 + 2200].map((t) => provisioningState(restarted, t))).toEqual(["Updating", "Updating", "Succeeded"]);
    expect(isTransitioning(restarted, t0 + 2150)).toBe(true);
  });

  it("takes a container's exit code and run time from its own env, overriding the defaults", () => {
    const custom = planRun(jobGroup([{ name: "EMULATOR_EXIT_CODE", value: "4" }, { name: "EMULATOR_RUN_MS", value: "10" }]), timings, 0, t0);
    expect(containerView(custom, custom.containers[0]!, t0 + 210).currentState).toMatchObject({ state: "Terminated", exitCode: 4, detailStatus: "Error" });
    expect(groupState(custom, t0 + 210)).toBe("Failed");
  });

  it("takes the provisioning phases of the whole group from the largest value in any container's env", () => {
    const body = jobGroup([{ name: "EMULATOR_PENDING_MS", value: "1000" }, { name: "EMULATOR_CREATING_MS", value: "7" }]);
    const slow = planRun(body, timings, 0, t0);
    expect(slow.creatingAt).toBe(t0 + 1000);
    expect(slow.readyAt).toBe(t0 + 1007);
  });

  it("ignores knob values that are not non-negative integers", () => {
    const odd = planRun(jobGroup([{ name: "EMULATOR_EXIT_CODE", value: "x" }, { name: "EMULATOR_RUN_MS", value: "-5" }]), timings, 2, t0);
    expect(odd.containers[0]).toMatchObject({ exitCode: 2, runMs: 1000 });
  });

  it("carries each container's last state into the next run as previousState", () => {
    const next = planRun(jobGroup(), timings, 0, t0 + 700, run);
    expect(next.containers[0]?.previousState).toMatchObject({ state: "Terminated", exitCode: 137, detailStatus: "Killed", finishTime: "2026-01-01T00:00:00.700Z" });
    expect(containerView(next, next.containers[0]!, t0 + 750).previousState).toEqual(next.containers[0]?.previousState);
  });
});

describe("a failed image pull, simulated from timestamps", () => {
  const pullFailure = { name: "EMULATOR_PULL_FAILURE", value: "1" };
  const failing = planRun(jobGroup([pullFailure]), timings, 0, t0);
  const job = failing.containers[0]!;
  const notFound = 'Failed to pull image "registry.example/job:1": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example/job:1": failed to resolve reference "registry.example/job:1": registry.example/job:1: not found';

  it("provisions Pending, then Creating, then Failed, after which it accepts writes again", () => {
    expect([t0, t0 + 100, t0 + 199, t0 + 200, t0 + 5000].map((t) => provisioningState(failing, t))).toEqual(["Pending", "Creating", "Creating", "Failed", "Failed"]);
    expect(isTransitioning(failing, t0 + 199)).toBe(true);
    expect(isTransitioning(failing, t0 + 200)).toBe(false);
  });

  it("leaves the group Pending and the container Waiting, never started, with a Warning Failed event", () => {
    expect(groupState(failing, t0 + 5000)).toBe("Pending");
    const view = containerView(failing, job, t0 + 5000);
    expect(view).toEqual({
      restartCount: 0,
      currentState: { state: "Waiting", detailStatus: "" },
      events: [
        { count: 1, firstTimestamp: "2026-01-01T00:00:00.100Z", lastTimestamp: "2026-01-01T00:00:00.100Z", name: "Pulling", message: 'pulling image "registry.example/job:1"', type: "Normal" },
        { count: 1, firstTimestamp: "2026-01-01T00:00:00.200Z", lastTimestamp: "2026-01-01T00:00:00.200Z", name: "Failed", message: notFound, type: "Warning" },
      ],
    });
  });

  it("reports the failure only once provisioning has failed, with the pull's message and events", () => {
    expect(provisioningFailure(failing, t0 + 199)).toBeUndefined();
    expect(provisioningFailure(planRun(jobGroup(), timings, 0, t0), t0 + 5000)).toBeUndefined();
    expect(provisioningFailure(failing, t0 + 200)).toEqual({ message: notFound, events: containerView(failing, job, t0 + 200).events });
  });

  it("pulls the other containers' images but starts none of them", () => {
    const body = jobGroup();
    (body.properties as { containers: unknown[] }).containers.push({
      name: "broken",
      properties: { image: "registry.example/missing:1", environmentVariables: [{ name: "EMULATOR_PULL_FAILURE", secureValue: "yes" }], resources: { requests: { cpu: 1, memoryInGB: 1 } } },
    });
    const mixed = planRun(body, timings, 0, t0);
    expect(provisioningState(mixed, t0 + 5000)).toBe("Failed");
    const sibling = containerView(mixed, mixed.containers[0]!, t0 + 5000);
    expect(sibling.currentState).toEqual({ state: "Waiting", detailStatus: "" });
    expect(sibling.events.map((e) => e.name)).toEqual(["Pulling", "Pulled"]);
    expect(provisioningFailure(mixed, t0 + 5000)?.message).toContain('Failed to pull image "registry.example/missing:1"');
  });

  it("fails provisioning for an init container's failed pull as well", () => {
    const init = { name: "init", properties: { image: "busybox", environmentVariables: [pullFailure] } };
    const withInit = planRun(jobGroup([], { initContainers: [init] }), timings, 0, t0);
    expect(provisioningState(withInit, t0 + 5000)).toBe("Failed");
    expect(containerView(withInit, withInit.containers[0]!, t0 + 5000).currentState.state).toBe("Waiting");
  });

  it("ignores an empty EMULATOR_PULL_FAILURE", () => {
    const empty = planRun(jobGroup([{ name: "EMULATOR_PULL_FAILURE", value: "" }]), timings, 0, t0);
    expect(provisioningState(empty, t0 + 5000)).toBe("Succeeded");
  });

  it("gives the next run no previousState of the container that never started, but keeps the one before", () => {
    const afterFailure = planRun(jobGroup(), timings, 0, t0 + 5000, failing);
    expect(afterFailure.containers[0]?.previousState).toBeUndefined();
    expect(provisioningState(afterFailure, t0 + 5200)).toBe("Succeeded");

    const finished = planRun(jobGroup(), timings, 0, t0 + 5000);
    const failed = planRun(jobGroup([pullFailure]), timings, 0, t0 + 7000, finished);
    expect(containerView(failed, failed.containers[0]!, t0 + 7500).previousState).toMatchObject({ state: "Terminated", exitCode: 0, finishTime: "2026-01-01T00:00:06.200Z" });
    const next = planRun(jobGroup(), timings, 0, t0 + 8000, failed);
    expect(next.containers[0]?.previousState).toEqual({
      state: "Terminated",
      startTime: "2026-01-01T00:00:05.200Z",
      exitCode: 0,
      finishTime: "2026-01-01T00:00:06.200Z",
      detailStatus: "Completed",
    });
  });
});
