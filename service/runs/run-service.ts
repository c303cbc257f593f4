import type { WireContainerGroup } from "../core/arm-types.js";
import { carriesRun } from "../core/carried-run.js";
import { maxStoredRequestBytes, storedRequestBytes } from "../core/limits.js";
import { hashIdempotencyKey, hashRequest } from "../core/request-hash.js";
import { newRunId } from "../core/run-id.js";
import { isTerminal, runView, type RunRecord, type RunStatus, type RunView } from "../core/run.js";
import { transition, type RunEvent } from "../core/run-transition.js";
import { ServiceError } from "../core/service-error.js";
import type { RunDefaults } from "../core/run-defaults.js";
import type { RunRequest } from "../core/run-request.js";
import { isRunActive } from "../core/status.js";
import { webhookUrlRefusal } from "../core/webhook-url.js";
import type { GroupLease, PoolView, Stored } from "../store/run-store.js";
import { IdempotencyKeyTaken, StoreConflict, StoreUnavailable } from "../store/store-errors.js";
import { refusalError } from "./refusal-error.js";
import { archivedLog, followLog, type ArchivedLogDeps, type FollowEvent } from "./archived-logs.js";
import { applyTransition, transitionContext } from "./apply-transition.js";
import { prepareRun, sendRun, stopGroup, type DispatchDeps } from "./dispatch.js";

export interface RunServiceDeps extends DispatchDeps {
  /** 0: no queue; a start with no free group is refused */
  maxQueued: number;
  /**
   * Whether a status read answers the run as stored, without reading ARM, while a replica's
   * reconcile pass observes its group (its watch holds): that record is at most a pass old.
   */
  statusFromWatch: boolean;
  /** Called when a group may have become free or a run was queued: the reconcile loop dispatches. */
  onWork?: () => void;
  /** Where runs' logs are read from; unset: from ARM, while the run's group still holds them. */
  logArchive?: Omit<ArchivedLogDeps, "store" | "now">;
}

export interface StartedRun {
  run: RunView;
  /** True when an earlier request with the same idempotency key and body started this run. */
  replayed: boolean;
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
  refresh(run: Stored<RunRecord>, lease?: Stored<GroupLease>, read?: (group: WireContainerGroup) => void): Promise<Stored<RunRecord>>;
}

/** A new run's limits: the request's, else the deployment's defaults; and its first attempt. */
function runLimits(request: RunRequest, defaults: RunDefaults | undefined): Pick<RunRecord, "attempt" | "timeoutSeconds" | "maxRetries" | "retryOnTimeout"> {
  const timeoutSeconds = request.timeoutSeconds ?? defaults?.timeoutSeconds;
  return {
    attempt: 1,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    maxRetries: request.maxRetries ?? defaults?.maxRetries ?? 0,
    ...(request.retryOnTimeout !== undefined ? { retryOnTimeout: request.retryOnTimeout } : {}),
  };
}

// Far more than replicas ever race for one decision; past it, something is wrong with the store.
const maxDecisions = 100;

export function createRunService(deps: RunServiceDeps): RunService {
  const { store, arm } = deps;
  async function getRun(runId: string): Promise<Stored<RunRecord>> {
    const run = await store.getRun(runId);
    if (!run) throw new ServiceError("RunNotFound", `No run ${runId} is known.`);
    return run;
  }

  async function replay(runId: string, requestHash: string): Promise<StartedRun> {
    const run = await store.getRun(runId);
    if (!run) throw new ServiceError("InternalError", "The run of this idempotency key is gone.");
    if (run.requestHash !== requestHash) {
      throw new ServiceError("IdempotencyKeyReused", "This Idempotency-Key was used for a different request body.", { details: { runId } });
    }
    return { run: runView(run), replayed: true };
  }

  /** RunInProgress naming a run that holds a group, from a fresh view when `view` showed none. */
  async function busyError(view: PoolView): Promise<ServiceError> {
    const holder = (leases: PoolView["leases"]) => leases.find((lease) => lease.runId && deps.groups.includes(lease.group))?.runId;
    // The view may predate the run that took the group (ARM already showed it busy).
    const running = holder(view.leases) ?? holder((await store.view()).leases);
    return new ServiceError("RunInProgress", running ? `Run ${running} is still in progress.` : "Every container group is busy.", {
      ...(running ? { details: { runId: running } } : {}),
    });
  }

  /**
   * Tries the free groups in pool order; answers the started run, or undefined when none could
   * take it. One group's failure (access denied, ARM down for it) only moves on to the next.
   */
  async function startOnFreeGroup(view: PoolView, record: RunRecord, since: number): Promise<Stored<RunRecord> | "conflict" | undefined> {
    const free = view.leases.filter((lease) => !lease.runId && deps.groups.includes(lease.group));
    let lacking = 0;
    const missing: ServiceError[] = [];
    const failed: ServiceError[] = [];
    for (const lease of free) {
      let prepared;
      try {
        prepared = await prepareRun(deps, lease, record, since);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        deps.logger.warn("container group failing", { group: lease.group, code: error.code });
        failed.push(error);
        continue;
      }
      if (!prepared.ok) {
        if (prepared.busy) {
          if (prepared.missing) missing.push(prepared.missing);
          continue;
        }
        if (prepared.refusal.code === "ContainerNotFound") {
          lacking += 1;
          continue;
        }
        throw refusalError(prepared.refusal);
      }
      const claimed = transition(record, { kind: "dispatched", group: prepared.group }, transitionContext(deps))?.run;
      if (claimed === undefined) throw new ServiceError("InternalError", "A new run could not be dispatched.");
      let stored: Stored<RunRecord>;
      try {
        stored = await store.startOnGroup(view, claimed, prepared.lease);
      } catch (error) {
        if (!(error instanceof StoreConflict)) throw error;
        deps.telemetry.storeConflict("startOnGroup");
        return "conflict";
      }
      // A start ARM throttled is queued again: the caller is answered the run as queued.
      return (await sendRun(deps, stored, prepared.body)) ?? stored;
    }
    if (lacking > 0 && lacking === deps.groups.length) {
      throw new ServiceError("ContainerNotFound", `The configured container "${deps.container ?? ""}" is in no container group of the pool.`);
    }
    // No group of the pool exists or answers: a failure to report, not a run to queue.
    if (missing.length + failed.length > 0 && missing.length + failed.length === deps.groups.length) throw failed[0] ?? missing[0];
    return undefined;
  }

  async function refresh(run: Stored<RunRecord>, lease?: Stored<GroupLease>, read?: (group: WireContainerGroup) => void): Promise<Stored<RunRecord>> {
    if (isTerminal(run.status) || run.status === "queued" || run.status === "retrying" || !run.group) return run;
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
    return applied.run;
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

    start: async (request, idempotencyKey, startedBy) => {
      const bytes = storedRequestBytes(request);
      if (bytes > maxStoredRequestBytes) {
        throw new ServiceError("PayloadTooLarge", `The run's env and command take ${bytes} bytes as stored, more than the ${maxStoredRequestBytes} a run can keep.`);
      }
      const refusal = request.webhookUrl === undefined ? undefined : webhookUrlRefusal(request.webhookUrl, deps.webhook?.allowedOrigins ?? new Set());
      if (refusal) throw refusal;
      const requestHash = hashRequest(request);
      const keyHash = idempotencyKey === undefined ? undefined : hashIdempotencyKey(idempotencyKey);
      if (keyHash !== undefined) {
        const existing = await store.runForKey(keyHash);
        if (existing !== undefined) return replay(existing, requestHash);
      }
      // Starts racing for the pool share their reads of it (see GroupReads).
      const since = deps.reads.mark();
      for (let attempt = 0; attempt < maxDecisions; attempt += 1) {
        const view = await store.view();
        const now = deps.now();
        const accepted: RunEvent = {
          kind: "accepted",
          run: {
            id: newRunId(now),
            env: request.env,
            ...(request.command ? { command: request.command } : {}),
            ...(request.webhookUrl ? { webhookUrl: request.webhookUrl } : {}),
            createdAt: now.toISOString(),
            requestHash,
            ...(keyHash ? { idempotencyKeyHash: keyHash } : {}),
            seq: view.counters.seq + 1,
            ...(startedBy ? { startedBy } : {}),
            ...runLimits(request, deps.runDefaults),
          },
        };
        const record = transition(undefined, accepted, transitionContext(deps))?.run;
        if (record === undefined) throw new ServiceError("InternalError", "A new run could not be accepted.");
        try {
          // Straight onto a group only past an empty queue: FIFO. An enqueue moves the counters this
          // start's write must still match, so no run can have joined the queue meanwhile.
          if (view.queued === 0) {
            const started = await startOnFreeGroup(view, record, since);
            if (started === "conflict") continue;
            if (started) return { run: runView(started), replayed: false };
          }
          if (deps.maxQueued === 0) throw await busyError(view);
          if (view.queued >= deps.maxQueued) {
            throw new ServiceError("QueueFull", `${view.queued} runs are already queued, the most this service accepts.`);
          }
          const queued = await store.enqueue(view, record);
          deps.onWork?.();
          return { run: runView(queued), replayed: false };
        } catch (error) {
          if (error instanceof IdempotencyKeyTaken) return replay(error.runId, requestHash);
          if (!(error instanceof StoreConflict)) throw error;
          deps.telemetry.storeConflict("enqueue");
        }
      }
      throw new ServiceError("InternalError", "The run store kept changing under the start; retry.");
    },

    status: async (runId) => {
      const run = await getRun(runId);
      return runView((await observedLately(run)) ? run : await refresh(run));
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
      const run = await refresh(await getRun(runId));
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
      const run = await refresh(stored).catch((error: unknown) => {
        if (error instanceof ServiceError && !(error instanceof StoreUnavailable)) return stored;
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
