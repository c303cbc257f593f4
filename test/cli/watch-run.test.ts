import { describe, expect, it } from "vitest";
import type { LogEvent, RunsApi } from "../../cli/api-client.js";
import { ApiError } from "../../cli/api-error.js";
import type { Run } from "../../cli/run-types.js";
import { watchRun, type WatchEvent, type WatchOptions } from "../../cli/watch-run.js";

/**
 * A service that answers each status read and each logs read with the next of its answers (the
 * last one from then on), and each log stream with the next of `streams` (an error in it breaks it).
 */
function scriptedApi(statuses: string[], logs: string[] = [""], streams: Array<Array<LogEvent | Error>> = []): RunsApi & { reads: string[]; follows: number[] } {
  const reads: string[] = [];
  const follows: number[] = [];
  const next = <T>(list: T[], counter: { n: number }) => list[Math.min(counter.n++, list.length - 1)]!;
  const statusAt = { n: 0 };
  const logsAt = { n: 0 };
  return {
    reads,
    follows,
    follow: async function* (_id, after) {
      const stream = streams[follows.length] ?? [];
      follows.push(after);
      for (const event of stream) {
        if (event instanceof Error) throw event;
        yield event;
      }
    },
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
      const content = next(logs, logsAt);
      return { id, content, lines: content.split("\n").length };
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

  it("prints the lines of the log as the service streams them, its archive's notes marked, and ends with the run", async () => {
    const api = scriptedApi(["running", "succeeded"], [""], [
      [
        { kind: "line", id: 1, text: "a" },
        { kind: "notice", id: 2, text: "lines may be missing here" },
        { kind: "line", id: 3, text: "b" },
        { kind: "end", status: "succeeded" },
      ],
    ]);
    const events = await collect(watchRun(api, started, { pollMs: 1, follow: {}, ...fakeClock() }));

    expect(events.filter((e) => e.kind === "logs").map((e) => (e.kind === "logs" ? e.text : ""))).toEqual(["a\n", "[log archive] lines may be missing here\n", "b\n"]);
    expect(events.at(-1)).toEqual({ kind: "ended", run: { id: "r1", status: "succeeded" } });
    expect(api.follows).toEqual([0]);
  });

  it("with a tail, prints the last lines so far and follows from the line after them", async () => {
    const api = scriptedApi(["succeeded"], ["2\n3\n"], [[{ kind: "line", id: 4, text: "4" }, { kind: "end", status: "succeeded" }]]);
    const events = await collect(watchRun(api, { id: "r1", status: "running" }, { pollMs: 1, follow: { tail: 2 }, ...fakeClock() }));

    expect(events.filter((e) => e.kind === "logs").map((e) => (e.kind === "logs" ? e.text : ""))).toEqual(["2\n3\n", "4\n"]);
    expect(api.follows).toEqual([3]);
  });

  it("reconnects a broken stream from the last line it received, showing no line twice", async () => {
    const broken = new ApiError("Unreachable", "the log stream broke");
    const api = scriptedApi(["running"], [""], [
      [{ kind: "line", id: 1, text: "one" }, { kind: "line", id: 2, text: "two" }, broken],
      [{ kind: "line", id: 3, text: "three" }, { kind: "end", status: "failed" }],
    ]);
    const events = await collect(watchRun(api, started, { pollMs: 1, follow: {}, ...fakeClock() }));

    expect(events.filter((e) => e.kind === "logs").map((e) => (e.kind === "logs" ? e.text : ""))).toEqual(["one\n", "two\n", "three\n"]);
    expect(api.follows).toEqual([0, 2]);
  });
});
