import { describe, expect, it } from "vitest";
import { jobGroup, jobGroupModel, manualClock, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";

// ACI's log limits: the emulator's time moves only when a test advances it, so each window is
// read in a known state (Running, exited, stopped, re-created).
const timings = { pendingMs: 1_000, creatingMs: 1_000, runMs: 60_000 };
const provisioned = timings.pendingMs + timings.creatingMs;
const clock = manualClock();
const arm = useArmEmulator({ timings, clock: clock.now });

const numberedEnv = (lines: number, perSecond = 0) => [
  { name: "EMULATOR_LOG_LINES", value: String(lines) },
  { name: "EMULATOR_LOG_LINES_PER_SECOND", value: String(perSecond) },
];
const content = async (name: string, options: { tail?: number; timestamps?: boolean } = {}) =>
  (await arm.client.containers.listLogs(rg, name, "job", options)).content ?? "";
const linesOf = (text: string) => text.split("\n").slice(0, -1);
const state = async (name: string) => (await arm.client.containerGroups.get(rg, name)).instanceView?.state;
const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `line ${from + k}`);

describe("ACI's log limits in the emulator", () => {
  it("returns a running container's last 4 MB, whole lines, the oldest dropped", async () => {
    arm.emulator.putGroup(sub, rg, "million", jobGroup(numberedEnv(1_000_000)));
    clock.advance(provisioned);
    expect(await state("million")).toBe("Running");
    const text = await content("million");
    const lines = linesOf(text);
    const first = Number(lines[0]?.slice("line ".length));
    expect(lines).toEqual(numbered(first, 1_000_000));
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4 * 1024 * 1024);
    // The line before the window would not have fitted.
    expect(Buffer.byteLength(text) + Buffer.byteLength(`line ${first - 1}\n`)).toBeGreaterThan(4 * 1024 * 1024);
    expect(linesOf(await content("million", { tail: 2 }))).toEqual(["line 999999", "line 1000000"]);
  });

  it("returns the last 1,000 lines once the container exited, the exit line among them", async () => {
    arm.emulator.putGroup(sub, rg, "exited", jobGroup([...numberedEnv(5_000), { name: "EMULATOR_RUN_MS", value: "10" }]));
    clock.advance(provisioned + 10);
    expect(await state("exited")).toBe("Succeeded");
    expect(linesOf(await content("exited"))).toEqual([...numbered(4_002, 5_000), "exit code 0"]);
    // tail narrows the window and never widens it.
    expect(linesOf(await content("exited", { tail: 5_000 }))).toHaveLength(1_000);
    expect(linesOf(await content("exited", { tail: 2 }))).toEqual(["line 5000", "exit code 0"]);
  });

  it("returns all of a running container's lines, then only the last 1,000 once a stop terminated it", async () => {
    arm.emulator.putGroup(sub, rg, "stopped", jobGroup(numberedEnv(5_000)));
    clock.advance(provisioned);
    const running = linesOf(await content("stopped"));
    expect(running).toEqual(["run started", "command: node job.js", "EMULATOR_LOG_LINES=5000", "EMULATOR_LOG_LINES_PER_SECOND=0", ...numbered(1, 5_000)]);
    await arm.client.containerGroups.stop(rg, "stopped");
    expect(await state("stopped")).toBe("Stopped");
    expect(linesOf(await content("stopped"))).toEqual(numbered(4_001, 5_000));
  });

  it("returns the last 16 KB once terminated when that is fewer than 1,000 lines", async () => {
    const env = Array.from({ length: 40 }, (_, k) => ({ name: `PAD_${String(k).padStart(2, "0")}`, value: "x".repeat(1_000) }));
    arm.emulator.putGroup(sub, rg, "wide", jobGroup(env), { terminated: true });
    const text = await content("wide");
    // Each PAD line is 1,008 bytes with its newline: 16 of them and the exit line fit in 16 KB.
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * 1024);
    expect(linesOf(text)).toEqual([...env.slice(-16).map((v) => `${v.name}=${v.value}`), "exit code 0"]);
  });

  it("keeps nothing of the previous run once a PUT re-created the group", async () => {
    arm.emulator.putGroup(sub, rg, "recreated", jobGroup([...numberedEnv(50), { name: "EMULATOR_RUN_MS", value: "10" }]));
    clock.advance(provisioned + 10);
    expect(linesOf(await content("recreated"))).toContain("line 50");
    await arm.client.containerGroups.beginCreateOrUpdate(rg, "recreated", jobGroupModel(numberedEnv(3, 1)));
    expect(await content("recreated")).toBe("");
    clock.advance(provisioned + 2_000);
    expect(linesOf(await content("recreated"))).toEqual(["run started", "command: node job.js", "EMULATOR_LOG_LINES=3", "EMULATOR_LOG_LINES_PER_SECOND=1", "line 1", "line 2"]);
  });

  it("stamps each numbered line with its own time and keeps the last N with tail", async () => {
    arm.emulator.putGroup(sub, rg, "stamped", jobGroup(numberedEnv(100, 3)));
    clock.advance(provisioned + 2_000);
    const group = await arm.client.containerGroups.get(rg, "stamped");
    const start = group.containers[0]?.instanceView?.currentState?.startTime?.getTime() ?? Number.NaN;
    // Line i at start + ⌈i·1000/3⌉ ms: lines 5 and 6 at 1,667 and 2,000 ms.
    const at = (ms: number) => new Date(start + ms).toISOString();
    expect(linesOf(await content("stamped", { tail: 2, timestamps: true }))).toEqual([`${at(1_667)} line 5`, `${at(2_000)} line 6`]);
  });
});
