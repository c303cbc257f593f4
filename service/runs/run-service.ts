import type { WireContainerGroup } from "../core/arm-types.js";
import { carriesRun } from "../core/carried-run.js";
import { attemptEnded, isTerminal, runView, type RunRecord, type RunStatus, type RunView } from "../core/run.js";
import type { RunEvent } from "../core/run-transition.js";
import { ServiceError } from "../core/service-error.js";
import type { RunRequest } from "../core/run-request.js";
import { isRunActive } from "../core/status.js";
import type { GroupLease, Stored } from "../store/run-store.js";
import { StoreUnavailable } from "../store/store-errors.js";
import { archivedLog, followLog, type ArchivedLogDeps, type FollowEvent } from "./archived-logs.js";
import { applyTransition } from "./apply-transition.js";
import { stopGroup } from "./dispatch.js";
import { startRun, type StartDeps, type StartedRun } from "./start-run.js";

export type { StartedRun } from "./start-run.js";

export interface RunServiceDeps extends StartDeps {
  /**
   * Whether a status read answers the run as stored, without reading ARM, while a replica's
   * reconcile pass observes its group (its watch holds): that record is at most a pass old.
   */
  statusFromWatch: boolean;
  /** Where runs' logs are read from; unset: from ARM, while the run's group still holds them. */
  logArchive?: Omit<ArchivedLogDeps, "store" | "now">;
}

export interface RunLogs {
  id: string;
  content: string;
  /** how many lines the run's archive holds: a follow resumed after this line gets only newer ones */
  lines?: number;
}

export interface RunList {
  runs: RunView[];
  nextCursor: string | null;
}

/**
 * The run service: every decision between an HTTP request and ARM, on the store's truth. It
 * returns data or throws `ServiceError`; routes shape the HTTP answers.
 */
export interface RunService {
  start(request: RunRequest, idempotencyKey?: string, startedBy?: string): Promise<StartedRun>;
  status(runId: string): Promise<RunView>;
  list(query: { status?: RunStatus; limit: number; cursor?: string }): Promise<RunList>;
  logs(runId: string, tail?: number): Promise<RunLogs>;
  /** The run's log lines after line `after` as they are archived, then its end (see `followLog`); RunNotFound at once. */
  follow(runId: string, after: number, signal: AbortSignal): Promise<AsyncGenerator<FollowEvent>>;
  cancel(runId: string): Promise<RunView>;
  /** Reads the group of an active run and records what changed; answers the run as it is now. */
  refresh(run: Stored<RunRecord>, lease?: Stored<GroupLease>, read?: (group: WireContainerGroup) => void): Promise<Refreshed>;
}

/** A run as an observation of its group left it, and the group's lease as stored now when that observation freed it. */
export interface Refreshed {
  run: Stored<RunRecord>;
  freed?: Stored<GroupLease>;
}

export function createRunService(deps: RunServiceDeps): RunService {
  const { store, arm } = deps;
  async function getRun(runId: string): Promise<Stored<RunRecord>> {
    const run = await store.getRun(runId);
    if (!run) throw new ServiceError("RunNotFound", `No run ${runId} is known.`);
    return run;
  }

  async function refresh(run: Stored<RunRecord>, lease?: Stored<GroupLease>, read?: (group: WireContainerGroup) => void): Promise<Refreshed> {
    if (attemptEnded(run) || run.status === "queued" || !run.group) return { run };
    let event: RunEvent;
    try {
      const group = await deps.reads.read(run.group);
      read?.(group);
      event = { kind: "observed", group };
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === "ContainerGroupNotFound")) throw error;
      event = { kind: "group-missing" };
    }
    const applied = await applyTransition(deps, run, event, undefined, lease);
    // A deadline passed: this replica committed the end, so it alone stops the group, once.
    for (const effect of applied.effects) {
      if (effect.kind === "stop-group") {
        await stopAndRelease(applied.run, effect.group).catch((error: unknown) => {
          deps.logger.warn("stop after a deadline failed; the reconcile loop will stop the group", { runId: run.id, group: effect.group, err: error });
        });
      }
    }
    if (applied.effects.some((effect) => effect.kind === "release-group" || effect.kind === "stop-group")) deps.onWork?.();
    const freed = applied.leases.find((written) => written.group === run.group && written.runId === undefined);
    return { run: applied.run, ...(freed ? { freed } : {}) };
  }

  /** True when a replica's reconcile passes observe the run's group now (see `statusFromWatch`). */
  async function observedLately(run: RunRecord): Promise<boolean> {
    if (!deps.statusFromWatch || !run.group || isTerminal(run.status)) return false;
    // The loop watches a lease: a standby run's is the slot it holds, not its group.
    const watched = deps.standby ? (await store.view()).leases.find((lease) => lease.runId === run.id)?.group : run.group;
    if (watched === undefined) return false;
    const watch = await store.watch(watched);
    return watch !== undefined && Date.parse(watch.until) > deps.now().getTime();
  }

  /**
   * Stops the group of a run just recorded canceled or timed out, if it carries the run's attempt
   * (a retry is due: its attempt number moves on only when it joins the queue), and frees it. A PUT
   * still in flight keeps the lease: the reconcile loop stops the group if the PUT lands, and frees
   * it once the start deadline has passed. A failed stop leaves the lease held too, and the loop
   * stops the group on its next pass.
   */
  async function stopAndRelease(run: Stored<RunRecord>, groupName: string): Promise<void> {
    const group = await arm.read(groupName);
    if (!carriesRun(group, run, deps.container)) return;
    if (isRunActive(group, deps.container)) await stopGroup(deps, groupName);
    const applied = await applyTransition(deps, run, { kind: "stop-confirmed" });
    if (applied.effects.length > 0) deps.onWork?.();
  }

  return {
    refresh,
    start: (request, idempotencyKey, startedBy) => startRun(deps, request, idempotencyKey, startedBy),
    status: async (runId) => {
      const run = await getRun(runId);
      return runView((await observedLately(run)) ? run : (await refresh(run)).run);
    },

    list: async (query) => {
      const page = await store.listRuns(query);
      return { runs: page.runs.map(runView), nextCursor: page.nextCursor };
    },

    logs: async (runId, tail) => {
      const { logArchive } = deps;
      if (logArchive) {
        let run = await getRun(runId);
        // An end this replica's status read saw first: the last copy is taken now, not a pass later.
        if (isTerminal(run.status) && run.log === undefined && run.confirmedAt !== undefined && deps.finalLogCopy) {
          await deps.finalLogCopy.finish(run);
          run = await getRun(runId);
        }
        return { id: runId, ...(await archivedLog({ ...logArchive, store, now: deps.now }, run, tail)) };
      }
      const { run } = await refresh(await getRun(runId));
      if (run.status === "queued" || run.status === "starting" || !run.group) return { id: runId, content: "" };
      const group = await arm.read(run.group);
      if (!carriesRun(group, run, deps.container)) {
        throw new ServiceError("LogsUnavailable", `The container group of run ${runId} now holds another deployment; Azure kept no logs of this run.`);
      }
      const container = deps.container ?? group.properties.containers[0]?.name ?? "";
      return { id: runId, content: await arm.logs(run.group, container, tail) };
    },

    follow: async (runId, after, signal) => {
      const { logArchive } = deps;
      if (!logArchive) throw new ServiceError("LogsUnavailable", "This service keeps no log archive to follow.");
      await getRun(runId);
      return followLog({ ...logArchive, store, now: deps.now }, runId, after, signal);
    },

    cancel: async (runId) => {
      const stored = await getRun(runId);
      // ARM out of reach does not hold the cancel up: it is recorded, and the loop stops the group.
      const { run } = await refresh(stored).catch((error: unknown) => {
        if (error instanceof ServiceError && !(error instanceof StoreUnavailable)) return { run: stored };
        throw error;
      });
      const { run: after, effects } = await applyTransition(deps, run, { kind: "cancel-requested" });
      if (effects.length === 0) {
        throw new ServiceError("RunNotActive", `Run ${runId} is not active; it ended as ${after.status}.`, { details: { runId, status: after.status } });
      }
      for (const effect of effects) {
        if (effect.kind !== "stop-group") continue;
        // The cancel is recorded: a failed stop is the loop's to finish, not the caller's error.
        await stopAndRelease(after, effect.group).catch((error: unknown) => {
          deps.logger.warn("stop after cancel failed; the reconcile loop will stop the group", { runId, group: effect.group, err: error });
        });
      }
      return runView(after);
    },
  };
}
