import type { RunsApi } from "./api-client.js";
import { lastLines, logFollower, type LogFollower } from "./log-follower.js";
import { hasEnded, type Run, type RunLogs } from "./run-types.js";

/** What a watch reports, in the order it happened. */
export type WatchEvent =
  /** The run's status changed (the last one is the status it ended in). */
  | { kind: "status"; run: Run }
  /** New output of the run, and the whole answer it came from. */
  | { kind: "logs"; text: string; answer: RunLogs }
  /** The run ended; `logs` is the last logs answer when following. */
  | { kind: "ended"; run: Run; logs?: RunLogs }
  /** The timeout ran out while the run was still active: the watch stops, the run goes on. */
  | { kind: "wait-expired"; run: Run };

export interface WatchOptions {
  /** Pause between two polls. */
  pollMs: number;
  /** Stop watching (event `wait-expired`) this long after the watch began; default never. */
  timeoutMs?: number;
  /** Stream the run's logs; with `tail`, the output so far starts from its last `tail` lines. */
  follow?: { tail?: number };
  sleep(ms: number): Promise<void>;
  now(): number;
}

/**
 * Polls a run from `initial` until it ends (or the timeout runs out), reporting each status
 * change and, when following, the run's new output. The service serves a run's whole current
 * log, so each poll asks for all of it and reports only what was not reported before.
 */
export async function* watchRun(api: RunsApi, initial: Run, options: WatchOptions): AsyncGenerator<WatchEvent, void> {
  const deadline = options.timeoutMs === undefined ? Infinity : options.now() + options.timeoutMs;
  let run = initial;
  let follower: LogFollower | undefined;
  let lastLogs: RunLogs | undefined;

  async function* pollLogs(final: boolean): AsyncGenerator<WatchEvent> {
    lastLogs = await api.logs(run.id);
    const text = follower!.next(lastLogs.content, final);
    if (text !== "") yield { kind: "logs", text, answer: lastLogs };
  }

  if (options.follow) {
    if (options.follow.tail === undefined) follower = logFollower();
    else {
      lastLogs = await api.logs(run.id);
      follower = logFollower(lastLogs.content);
      const text = lastLines(lastLogs.content, options.follow.tail);
      if (text !== "") yield { kind: "logs", text, answer: lastLogs };
    }
  }

  while (!hasEnded(run)) {
    if (follower) yield* pollLogs(false);
    const remaining = deadline - options.now();
    if (remaining <= 0) {
      yield { kind: "wait-expired", run };
      return;
    }
    await options.sleep(Math.min(options.pollMs, remaining));
    const next = await api.get(run.id);
    if (next.status !== run.status) yield { kind: "status", run: next };
    run = next;
  }
  if (follower) yield* pollLogs(true);
  yield { kind: "ended", run, ...(lastLogs ? { logs: lastLogs } : {}) };
}
