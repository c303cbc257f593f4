import type { WireContainerGroup } from "./arm-types.js";
import { observeRun, type ObserveContext } from "./observe-run.js";
import { isTerminal, type RunRecord, type RunStatus, type TerminalRunStatus } from "./run.js";

/**
 * Where a status may go next: the one table of a run's life. Nothing moves backwards, and a
 * final status goes nowhere. Staying in the same status is always allowed (an observation that
 * records a start time, a stop confirmed after an end).
 */
export const allowedMoves: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ["starting", "failed", "canceled"],
  starting: ["running", "succeeded", "failed", "canceled", "lost"],
  running: ["succeeded", "failed", "canceled", "lost"],
  succeeded: [],
  failed: [],
  canceled: [],
  lost: [],
};

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
  /** a queued run that can never start (its definition is refused) */
  | { kind: "start-refused"; message: string }
  /** the run's group as ARM shows it now */
  | { kind: "observed"; group: WireContainerGroup }
  /** ARM answered that the run's group does not exist */
  | { kind: "group-missing" }
  | { kind: "cancel-requested" }
  /** the group of an ended run carries nothing of it any more (stopped, or never started) */
  | { kind: "stop-confirmed" }
  /** the run outlived a deadline the caller enforces */
  | { kind: "deadline-passed"; message: string };

/**
 * What a transition asks for besides the run's new record. The store rows (`claim-group`,
 * `release-group`, `dequeue`) are written in the same transaction as the run; the rest are done
 * once that transaction committed.
 */
export type RunEffect =
  | { kind: "claim-group"; group: string }
  | { kind: "release-group"; group: string }
  | { kind: "dequeue"; seq: number }
  /** stop the group, then report `stop-confirmed` */
  | { kind: "stop-group"; group: string }
  | { kind: "run-ended"; status: TerminalRunStatus };

export interface Transition {
  run: RunRecord;
  effects: RunEffect[];
}

export type TransitionContext = ObserveContext;

const missingMessage = "The container group was deleted while it held this run; its outcome is unknown.";

/**
 * The one function that changes a run's status: the run after `event`, and what else must happen.
 * Undefined when the event changes nothing — not allowed from the run's status, or already
 * applied — so replaying an event is harmless. Pure: the writer in runs/ commits the result.
 */
export function transition(run: RunRecord | undefined, event: RunEvent, context: TransitionContext): Transition | undefined {
  if (event.kind === "accepted") return run === undefined ? { run: { ...event.run, status: "queued" }, effects: [] } : undefined;
  if (run === undefined) return undefined;
  const decided = decide(run, event, context);
  if (decided === undefined) return undefined;
  const next = decided.run;
  if (next.status !== run.status && !allowedMoves[run.status].includes(next.status)) return undefined;
  const ended = isTerminal(next.status) && !isTerminal(run.status);
  return { run: next, effects: ended ? [...decided.effects, { kind: "run-ended", status: next.status as TerminalRunStatus }] : decided.effects };
}

function decide(run: RunRecord, event: Exclude<RunEvent, { kind: "accepted" }>, context: TransitionContext): Transition | undefined {
  const now = context.now.toISOString();
  const held = (kind: "release-group" | "stop-group"): RunEffect[] => (run.group ? [{ kind, group: run.group }] : []);
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
    case "start-refused":
      if (run.status !== "queued") return undefined;
      return end("failed", event.message, [{ kind: "dequeue", seq: run.seq }]);
    case "observed": {
      const patch = observeRun(run, event.group, context);
      if (patch === undefined) return undefined;
      const next = { ...run, ...patch };
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
      if (isTerminal(run.status)) return undefined;
      // Recorded first, so that no reader of the stopping group records the stop as its own
      // "stopped outside the service"; the group is stopped and freed after.
      return { run: { ...run, status: "canceled", finishedAt: now }, effects: held("stop-group") };
    case "stop-confirmed":
      return isTerminal(run.status) && run.group ? { run, effects: held("release-group") } : undefined;
    case "deadline-passed":
      if (isTerminal(run.status)) return undefined;
      return end("failed", event.message, run.status === "queued" ? [{ kind: "dequeue", seq: run.seq }] : held("stop-group"));
  }
}
