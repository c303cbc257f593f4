import { describe, expect, it } from "vitest";
import { containerView, groupState, isTransitioning, planRun, provisioningState } from "../../emulator/lifecycle.js";
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

  it("freezes a stopped run: the group reads Stopped and running containers are killed at the stop", () => {
    const stopped = { ...run, stoppedAt: t0 + 500 };
    expect(groupState(stopped, t0 + 5000)).toBe("Stopped");
    expect(containerView(stopped, container, t0 + 5000).currentState).toEqual({
      state: "Terminated",
      startTime: "2026-01-01T00:00:00.200Z",
      exitCode: 137,
      finishTime: "2026-01-01T00:00:00.500Z",
      detailStatus: "Killed",
    });
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
