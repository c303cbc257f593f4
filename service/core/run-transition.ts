import type { WireContainerGroup } from "./arm-types.js";
import { observeRun, type ObserveContext } from "./observe-run.js";
import { maxRetriesCap, retryDelayMs, type RetryBackoff } from "./retry-backoff.js";
import { attemptEnded, attemptOf, currentAttempt, isTerminal, type RunRecord, type RunStatus, type TerminalRunStatus } from "./run.js";

/**
 * Where a status may go next: the one table of a run's life. Nothing moves backwards within an
 * attempt, a failed attempt with retries left waits in `retrying` and joins the queue again as
 * the next attempt, and a final status goes nowhere. Staying in the same status is always
 * allowed (an observation that records a start time, a stop confirmed after an end). A start whose
 * PUT ARM refused as throttled, with nothing of it applied, goes back to `queued`: a PUT refused
 * for now is no attempt, so the run keeps its attempt and its place.
 */
export const allowedMoves: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ["starting", "failed", "canceled"],
  starting: ["queued", "running", "succeeded", "failed", "canceled", "lost", "timed_out", "retrying"],
  running: ["succeeded", "failed", "canceled", "lost", "timed_out", "retrying"],
  retrying: ["queued", "canceled"],
  succeeded: [],
  failed: [],
  canceled: [],
  lost: [],
  timed_out: [],
};

/** The two limits on an attempt: its run time (`timeoutSeconds`) and dispatch to running. */
export type DeadlineLimit = "timeout" | "start";

/** What can happen to a run. */
export type RunEvent =
  /** a start was accepted: the run is recorded, queued, with these fields */
  | { kind: "accepted"; run: Omit<RunRecord, "status"> }
  /** a replica took `group` for the run, about to send its one PUT */
  | { kind: "dispatched"; group: string }
  /** ARM accepted the PUT: nothing to record, only an observation confirms the run */
  | { kind: "put-applied" }
  /** the PUT was refused or its outcome read back as not applied */
  | { kind: "put-failed"; message: string }
  /** ARM throttled the PUT (429) and the group does not carry the run: nothing applied, try later */
  | { kind: "put-deferred" }
  /** a queued run that can never start (its definition is refused) */
  | { kind: "start-refused"; message: string }
  /** the run's group as ARM shows it now */
  | { kind: "observed"; group: WireContainerGroup }
  /** ARM answered that the run's group does not exist */
  | { kind: "group-missing" }
  | { kind: "cancel-requested" }
  /** the group of an ended run carries nothing of it any more (stopped, or never started) */
  | { kind: "stop-confirmed" }
  /** the attempt outlived one of its limits (the transition checks it on every observation too) */
  | { kind: "deadline-passed"; limit: DeadlineLimit }
  /** a retrying run's `retryAt` has come: it joins the queue as its next attempt */
  | { kind: "retry-due" }
  /** the final copy of an ended run's log finished (`complete`) or failed or came too late */
  | { kind: "log-archived"; complete: boolean };

/**
 * What a transition asks for besides the run's new record. The store rows (`claim-group`,
 * `release-group`, `dequeue`, `enqueue`, `schedule-retry`, `unschedule-retry`) are written in the
 * same transaction as the run; the rest are done once that transaction committed.
 */
export type RunEffect =
  | { kind: "claim-group"; group: string }
  | { kind: "release-group"; group: string }
  | { kind: "dequeue"; seq: number }
  /** the run's queue entry, at its own `seq`: a retry, or a start ARM deferred, keeps its place */
  | { kind: "enqueue"; seq: number }
  /** the row that tells every replica a retry is due at `retryAt` */
  | { kind: "schedule-retry"; seq: number; retryAt: string }
  | { kind: "unschedule-retry"; seq: number }
  /** stop the group, then report `stop-confirmed` */
  | { kind: "stop-group"; group: string }
  | { kind: "run-ended"; status: TerminalRunStatus };

export interface Transition {
  run: RunRecord;
  effects: RunEffect[];
}

export interface TransitionContext extends ObserveContext {
  /** TRIGGER_START_TIMEOUT_SECONDS in ms: from dispatch to running; unset, none */
  startTimeoutMs?: number;
  /** the retries' backoff; unset, a retry is due at once */
  retryBackoff?: RetryBackoff;
  /** a value in [0, 1) drawn by the caller: the backoff's jitter, so this function stays pure */
  jitter?: number;
}


const limitMessages: Record<DeadlineLimit, (run: RunRecord, context: TransitionContext) => string> = {
  timeout: (run) => `The run was stopped: it ran longer than its timeoutSeconds (${run.timeoutSeconds ?? 0} s).`,
  start: (_run, context) =>
    `The run was stopped: it did not start running within TRIGGER_START_TIMEOUT_SECONDS (${Math.round((context.startTimeoutMs ?? 0) / 1000)} s) of its dispatch.`,
};

/** The limit an active attempt is past, if any. */
export function passedDeadline(run: RunRecord, context: TransitionContext): DeadlineLimit | undefined {
  const now = context.now.getTime();
  if (run.status === "running" && run.timeoutSeconds !== undefined && run.startedAt !== undefined) {
    if (now >= Date.parse(run.startedAt) + run.timeoutSeconds * 1000) return "timeout";
  }
  if (run.status === "starting" && run.startedAt === undefined && context.startTimeoutMs !== undefined && run.claimedAt !== undefined) {
    if (now >= Date.parse(run.claimedAt) + context.startTimeoutMs) return "start";
  }
  return undefined;
}

const missingMessage = "The container group was deleted while it held this run; its outcome is unknown.";

/**
 * The one function that changes a run's status: the run after `event`, and what else must happen.
 * Undefined when the event changes nothing — not allowed from the run's status, or already
 * applied — so replaying an event is harmless. Pure: the writer in runs/ commits the result.
 */
export function transition(run: RunRecord | undefined, event: RunEvent, context: TransitionContext): Transition | undefined {
  if (event.kind === "accepted") return run === undefined ? { run: { ...event.run, status: "queued" }, effects: [] } : undefined;
  if (run === undefined) return undefined;
  const decided = retryOrEnd(run, decide(run, event, context), context);
  if (decided === undefined) return undefined;
  const next = decided.run;
  if (next.status !== run.status && !allowedMoves[run.status].includes(next.status)) return undefined;
  const ended = isTerminal(next.status) && !isTerminal(run.status);
  return { run: next, effects: ended ? [...decided.effects, { kind: "run-ended", status: next.status as TerminalRunStatus }] : decided.effects };
}

type GroupEffect = "release-group" | "stop-group";

/** `kind` for the group the run holds, if it holds one. */
function heldGroup(run: RunRecord, kind: GroupEffect): RunEffect[] {
  return run.group ? [{ kind, group: run.group }] : [];
}

function decide(run: RunRecord, event: Exclude<RunEvent, { kind: "accepted" }>, context: TransitionContext): Transition | undefined {
  const now = context.now.toISOString();
  const held = (kind: GroupEffect): RunEffect[] => heldGroup(run, kind);
  const end = (status: TerminalRunStatus, message: string, effects: RunEffect[]): Transition => ({
    run: { ...run, status, finishedAt: now, message },
    effects,
  });
  switch (event.kind) {
    case "dispatched":
      if (run.status !== "queued") return undefined;
      return {
        run: { ...run, status: "starting", group: event.group, claimedAt: now },
        effects: [{ kind: "dequeue", seq: run.seq }, { kind: "claim-group", group: event.group }],
      };
    case "put-applied":
      return undefined;
    case "put-failed":
      if (run.status !== "starting" || run.confirmedAt !== undefined) return undefined;
      return end("failed", event.message, held("release-group"));
    case "put-deferred": {
      if (run.status !== "starting" || run.confirmedAt !== undefined) return undefined;
      const { group: _held, claimedAt: _claimed, ...rest } = run;
      return { run: { ...rest, status: "queued" }, effects: [...held("release-group"), { kind: "enqueue", seq: run.seq }] };
    }
    case "start-refused":
      if (run.status !== "queued") return undefined;
      return end("failed", event.message, [{ kind: "dequeue", seq: run.seq }]);
    case "observed": {
      const patch = observeRun(run, event.group, context);
      const next = { ...run, ...patch };
      const limit = passedDeadline(next, context);
      if (limit !== undefined) return decide(next, { kind: "deadline-passed", limit }, context);
      if (patch === undefined) return undefined;
      return { run: next, effects: isTerminal(next.status) ? held("release-group") : [] };
    }
    case "group-missing": {
      if (run.status === "queued" || isTerminal(run.status)) return undefined;
      // Unconfirmed and within the start deadline, the run's PUT may still create the group.
      const claimed = run.claimedAt === undefined ? 0 : Date.parse(run.claimedAt);
      if (run.confirmedAt === undefined && context.now.getTime() - claimed < context.startDeadlineMs) return undefined;
      return end("lost", missingMessage, held("release-group"));
    }
    case "cancel-requested":
      if (run.status === "queued") return { run: { ...run, status: "canceled", finishedAt: now }, effects: [{ kind: "dequeue", seq: run.seq }] };
      if (run.status === "retrying") {
        const { retryAt: _due, ...rest } = run;
        // A group still held is being stopped for the attempt's deadline: freed once that is confirmed.
        return { run: { ...rest, status: "canceled", message: "Canceled while a retry was due." }, effects: [{ kind: "unschedule-retry", seq: run.seq }, ...held("stop-group")] };
      }
      if (isTerminal(run.status)) return undefined;
      // Recorded first, so that no reader of the stopping group records the stop as its own
      // "stopped outside the service"; the group is stopped and freed after.
      return { run: { ...run, status: "canceled", finishedAt: now }, effects: held("stop-group") };
    case "stop-confirmed":
      if (run.status === "retrying" && run.group) {
        const { group: _stopped, ...rest } = run;
        return { run: rest, effects: held("release-group") };
      }
      return isTerminal(run.status) && run.group ? { run, effects: held("release-group") } : undefined;
    case "deadline-passed":
      if (run.status !== "starting" && run.status !== "running") return undefined;
      // Recorded first, as a cancel is: the replica that commits it stops the group, once.
      return end("timed_out", limitMessages[event.limit](run, context), held("stop-group"));
    case "log-archived":
      // A later copy that succeeded mends an incomplete one; nothing makes a complete log incomplete.
      // A run waiting to retry keeps its last attempt's: a cancel then leaves it ended with it.
      if (!attemptEnded(run) || run.log === "complete" || (run.log === "incomplete" && !event.complete)) return undefined;
      return { run: { ...run, log: event.complete ? "complete" : "incomplete" }, effects: [] };
    case "retry-due": {
      if (run.status !== "retrying" || run.group !== undefined) return undefined;
      if (run.retryAt !== undefined && context.now.getTime() < Date.parse(run.retryAt)) return undefined;
      const { retryAt: _due, message: _why, finishedAt: _ended, log: _archived, ...rest } = run;
      return {
        run: { ...rest, status: "queued", attempt: attemptOf(run) + 1 },
        effects: [{ kind: "unschedule-retry", seq: run.seq }, { kind: "enqueue", seq: run.seq }],
      };
    }
  }
}

/**
 * A failed attempt (a non-zero exit, a failed provisioning, a missed start deadline; a run-time
 * timeout only with `retryOnTimeout`; never a cancel or `lost`) with retries left does not end
 * the run: the attempt is kept in `earlierAttempts`, its group freed (or, for an attempt stopped
 * for a deadline, kept until the stop is confirmed), and the run waits in `retrying` until
 * `retryAt`. Otherwise the decided end stands.
 */
function retryOrEnd(run: RunRecord, decided: Transition | undefined, context: TransitionContext): Transition | undefined {
  if (decided === undefined) return undefined;
  const next = decided.run;
  const startMissed = next.status === "timed_out" && next.startedAt === undefined;
  const retriable = next.status === "failed" || startMissed || (next.status === "timed_out" && next.retryOnTimeout === true);
  if (!retriable || isTerminal(run.status) || next.claimedAt === undefined) return decided;
  const attempt = attemptOf(next);
  if (attempt > Math.min(next.maxRetries ?? 0, maxRetriesCap)) return decided;
  const delay = context.retryBackoff ? retryDelayMs(context.retryBackoff, attempt, context.jitter ?? 0) : 0;
  const retryAt = new Date(context.now.getTime() + delay).toISOString();
  const finished = currentAttempt(next);
  const { group: _g, claimedAt: _c, confirmedAt: _f, startedAt: _s, exitCode: _x, image: _i, restartCount: _r, ...rest } = next;
  // An attempt stopped for a deadline keeps its group until the stop is confirmed (as a cancel
  // does), so a replica that dies before stopping leaves the stop to the loop; the retry waits for it.
  const stopping = decided.effects.some((effect) => effect.kind === "stop-group");
  return {
    run: {
      ...rest,
      ...(stopping && run.group ? { group: run.group } : {}),
      status: "retrying",
      retryAt,
      message: `Attempt ${attempt} ended ${next.status}; attempt ${attempt + 1} is due at ${retryAt}.`,
      earlierAttempts: [...(next.earlierAttempts ?? []), ...(finished ? [finished] : [])],
    },
    effects: [...heldGroup(run, stopping ? "stop-group" : "release-group"), { kind: "schedule-retry", seq: next.seq, retryAt }],
  };
}
