import { describe, expect, it } from "vitest";
import type { RunsApi } from "../../cli/api-client.js";
import type { Run } from "../../cli/run-types.js";
import { watchRun, type WatchEvent, type WatchOptions } from "../../cli/watch-run.js";

/** A service that answers each status read and each logs read with the next of its answers (the last one from then on). */
function scriptedApi(statuses: string[], logs: string[] = [""]): RunsApi & { reads: string[] } {
  const reads: string[] = [];
  const next = <T>(list: T[], counter: { n: number }) => list[Math.min(counter.n++, list.length - 1)]!;
  const statusAt = { n: 0 };
  const logsAt = { n: 0 };
  return {
    reads,
    start: () => Promise.reject(new Error("not used")),
    list: () => Promise.reject(new Error("not used")),
    cancel: () => Promise.reject(new Error("not used")),
    get: async (id) => {
      reads.push("status");
      const status = next(statuses, statusAt);
      return { id, status, ...(status === "failed" ? { exitCode: 3 } : {}) };
    },
    logs: async (id) => {
      reads.push("logs");
      return { id, content: next(logs, logsAt) };
    },
  };
}

/** A clock that only moves when the watch sleeps. */
function fakeClock(): Pick<WatchOptions, "sleep" | "now"> & { slept: number[] } {
  let time = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => time,
    sleep: async (ms) => {
      slept.push(ms);
      time += ms;
    },
  };
}

async function collect(events: AsyncGenerator<WatchEvent, void>): Promise<WatchEvent[]> {
  const all: WatchEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const started: Run = { id: "r1", status: "starting" };

describe("watchRun", () => {
  it("reports each status change once, polling at its interval, and ends with the run as it ended", async () => {
    const clock = fakeClock();
    const events = await collect(watchRun(scriptedApi(["starting", "running", "running", "failed"]), started, { pollMs: 100, ...clock }));

    expect(events).toEqual([
      { kind: "status", run: { id: "r1", status: "running" } },
      { kind: "status", run: { id: "r1", status: "failed", exitCode: 3 } },
      { kind: "ended", run: { id: "r1", status: "failed", exitCode: 3 } },
    ]);
    expect(clock.slept).toEqual([100, 100, 100, 100]);
  });

  it("ends on a status it does not know, so a new way to end never hangs a wait", async () => {
    const events = await collect(watchRun(scriptedApi(["running", "timed_out"]), started, { pollMs: 1, ...fakeClock() }));
    expect(events.at(-1)).toEqual({ kind: "ended", run: { id: "r1", status: "timed_out" } });
  });

  it("stops with wait-expired when the wait timeout runs out while the run is active, never sleeping past it", async () => {
    const clock = fakeClock();
    const api = scriptedApi(["running"]);
    const events = await collect(watchRun(api, started, { pollMs: 100, timeoutMs: 250, ...clock }));

    expect(events.at(-1)).toEqual({ kind: "wait-expired", run: { id: "r1", status: "running" } });
    expect(clock.slept).toEqual([100, 100, 50]);
  });

  it("streams the new whole lines of the log while it runs and the rest once it ended", async () => {
    const api = scriptedApi(["running", "running", "succeeded"], ["", "a\nb", "a\nb\nc\n", "a\nb\nc\nd"]);
    const events = await collect(watchRun(api, started, { pollMs: 1, follow: {}, ...fakeClock() }));

    expect(events.filter((e) => e.kind === "logs").map((e) => (e.kind === "logs" ? e.text : ""))).toEqual(["a\n", "b\nc\n", "d"]);
    expect(events.at(-1)).toEqual({ kind: "ended", run: { id: "r1", status: "succeeded" }, logs: { id: "r1", content: "a\nb\nc\nd" } });
  });

  it("with a tail, starts from the last lines of the output so far", async () => {
    const api = scriptedApi(["succeeded"], ["1\n2\n3\n", "1\n2\n3\n4\n"]);
    const events = await collect(watchRun(api, { id: "r1", status: "running" }, { pollMs: 1, follow: { tail: 2 }, ...fakeClock() }));

    expect(events.filter((e) => e.kind === "logs").map((e) => (e.kind === "logs" ? e.text : ""))).toEqual(["2\n3\n", "4\n"]);
  });

  it("reads nothing but the final logs of a run that has already ended", async () => {
    const api = scriptedApi(["succeeded"], ["done\n"]);
    const events = await collect(watchRun(api, { id: "r1", status: "succeeded" }, { pollMs: 1, follow: {}, ...fakeClock() }));

    expect(api.reads).toEqual(["logs"]);
    expect(events.map((e) => e.kind)).toEqual(["logs", "ended"]);
  });
});
