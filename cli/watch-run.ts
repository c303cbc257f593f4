import type { LogEvent, RunsApi } from "./api-client.js";
import { ApiError } from "./api-error.js";
import { hasEnded, type Run } from "./run-types.js";

/** What a watch reports, in the order it happened. */
export type WatchEvent =
  /** The run's status changed (the last one is the status it ended in). */
  | { kind: "status"; run: Run }
  /** New output of the run: whole lines. */
  | { kind: "logs"; text: string }
  /** The run ended. */
  | { kind: "ended"; run: Run }
  /** The timeout ran out while the run was still active: the watch stops, the run goes on. */
  | { kind: "wait-expired"; run: Run };

export interface WatchOptions {
  /** Pause between two polls of the status (and between reconnects of the log stream). */
  pollMs: number;
  /** Stop watching (event `wait-expired`) this long after the watch began; default never. */
  timeoutMs?: number;
  /** Stream the run's logs; with `tail`, the output so far starts from its last `tail` lines. */
  follow?: { tail?: number };
  sleep(ms: number): Promise<void>;
  now(): number;
}

// A stream that breaks this many times in a row without a new line is given up.
const maxReconnects = 5;

/** How a followed line is printed: the service's notes (a gap, the cap) marked as its archive's, as `logs` shows them. */
const printed = (event: Exclude<LogEvent, { kind: "end" }>) => `${event.kind === "notice" ? "[log archive] " : ""}${event.text}\n`;

/**
 * The run's log stream from line `after` on, reconnecting (with `Last-Event-ID`) when it breaks
 * or closes before the run's end, so no line is lost or shown twice.
 */
async function* logStream(api: RunsApi, id: string, after: number, options: WatchOptions, signal: AbortSignal): AsyncGenerator<LogEvent> {
  let last = after;
  for (let failures = 0; ; ) {
    try {
      for await (const event of api.follow(id, last, signal)) {
        if (event.kind === "end") {
          yield event;
          return;
        }
        last = event.id;
        failures = 0;
        yield event;
      }
    } catch (error) {
      if (!(error instanceof ApiError) || (error.code !== "Unreachable" && error.code !== "Timeout")) throw error;
    }
    if (signal.aborted) return;
    failures += 1;
    if (failures > maxReconnects) throw new ApiError("Unreachable", `the log stream of run ${id} kept breaking; the run goes on.`);
    await options.sleep(options.pollMs);
  }
}

/**
 * Watches a run from `initial` until it ends (or the timeout runs out), reporting each status
 * change (polled) and, when following, the run's output as the service streams it.
 */
export async function* watchRun(api: RunsApi, initial: Run, options: WatchOptions): AsyncGenerator<WatchEvent, void> {
  const deadline = options.timeoutMs === undefined ? Infinity : options.now() + options.timeoutMs;
  let run = initial;
  // The last answer reported: a read that differs from it in anything is news.
  let shown = initial;
  const stop = new AbortController();
  let after = 0;
  if (options.follow?.tail !== undefined) {
    const logs = await api.logs(run.id, options.follow.tail);
    after = logs.lines ?? 0;
    if (logs.content !== "") yield { kind: "logs", text: logs.content };
  }
  const stream = options.follow ? logStream(api, run.id, after, options, stop.signal) : undefined;
  let line = stream?.next();
  let tick: Promise<void> | undefined;
  try {
    while (line !== undefined || !hasEnded(run)) {
      tick ??= options.sleep(Math.max(0, Math.min(options.pollMs, deadline - options.now())));
      const next = await Promise.race([...(line ? [line.then((result) => ({ result }))] : []), tick.then(() => undefined)]);
      if (next !== undefined) {
        if (next.result.done || next.result.value.kind === "end") break;
        yield { kind: "logs", text: printed(next.result.value) };
        line = stream!.next();
        continue;
      }
      tick = undefined;
      if (options.now() >= deadline) {
        yield { kind: "wait-expired", run };
        return;
      }
      const fresh = await api.get(run.id);
      if (fresh.status !== run.status) {
        shown = fresh;
        yield { kind: "status", run: fresh };
      }
      run = fresh;
    }
  } finally {
    stop.abort();
  }
  // The stream ends once the run's log is final: the run is read again, as it is now.
  if (stream) {
    run = await api.get(run.id);
    if (JSON.stringify(run) !== JSON.stringify(shown)) yield { kind: "status", run };
  }
  yield { kind: "ended", run };
}
