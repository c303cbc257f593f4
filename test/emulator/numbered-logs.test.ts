import { describe, expect, it } from "vitest";
import { jobGroup, manualClock, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";

// The emulator's time moves only when a test advances it, so each line's moment is read exactly.
const timings = { pendingMs: 1_000, creatingMs: 1_000, runMs: 500 };
const provisioned = timings.pendingMs + timings.creatingMs;
const clock = manualClock();
const arm = useArmEmulator({ timings, clock: clock.now });

const numberedJob = (lines: number, perSecond: number, extra: Array<{ name: string; value: string }> = []) =>
  jobGroup([{ name: "EMULATOR_LOG_LINES", value: String(lines) }, { name: "EMULATOR_LOG_LINES_PER_SECOND", value: String(perSecond) }, ...extra]);
const header = (lines: number, perSecond: number) =>
  ["run started", "command: node job.js", `EMULATOR_LOG_LINES=${lines}`, `EMULATOR_LOG_LINES_PER_SECOND=${perSecond}`];
const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `line ${from + k}`);
const logLines = async (name: string, options: { tail?: number; timestamps?: boolean } = {}) =>
  ((await arm.client.containers.listLogs(rg, name, "job", options)).content ?? "").split("\n").slice(0, -1);

describe("the numbered job", () => {
  it("prints line i at start + ⌈i·1000/R⌉ ms, in order, then its exit line after the last", async () => {
    arm.emulator.putGroup(sub, rg, "numbered", numberedJob(10, 4));
    clock.advance(provisioned);
    expect(await logLines("numbered")).toEqual(header(10, 4));
    clock.advance(249);
    expect(await logLines("numbered")).toEqual(header(10, 4));
    clock.advance(1);
    expect(await logLines("numbered")).toEqual([...header(10, 4), "line 1"]);
    clock.advance(1_000);
    expect(await logLines("numbered")).toEqual([...header(10, 4), ...numbered(1, 5)]);
    // The last line is at 2.5 s, past EMULATOR_RUN_MS's end: the run lasts until it.
    clock.advance(1_249);
    expect((await arm.client.containerGroups.get(rg, "numbered")).instanceView?.state).toBe("Running");
    expect(await logLines("numbered")).toEqual([...header(10, 4), ...numbered(1, 9)]);
    clock.advance(1);
    expect(await logLines("numbered")).toEqual([...header(10, 4), ...numbered(1, 10), "exit code 0"]);
    expect((await arm.client.containerGroups.get(rg, "numbered")).instanceView?.state).toBe("Succeeded");
  });

  it("stops printing at a stop: later reads show the lines printed until then and no exit line", async () => {
    arm.emulator.putGroup(sub, rg, "numbered-stop", numberedJob(1_000, 10));
    clock.advance(provisioned + 1_000);
    await arm.client.containerGroups.stop(rg, "numbered-stop");
    clock.advance(60_000);
    expect(await logLines("numbered-stop")).toEqual([...header(1_000, 10), ...numbered(1, 10)]);
  });

  it("prints all its lines at its start without a rate", async () => {
    arm.emulator.putGroup(sub, rg, "numbered-burst", jobGroup([{ name: "EMULATOR_LOG_LINES", value: "3" }]));
    clock.advance(provisioned);
    const start = (await arm.client.containerGroups.get(rg, "numbered-burst")).containers[0]?.instanceView?.currentState?.startTime?.toISOString();
    expect(await logLines("numbered-burst", { tail: 3, timestamps: true })).toEqual(numbered(1, 3).map((line) => `${start} ${line}`));
  });
});
