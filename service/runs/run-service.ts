import { carriesRun } from "../core/carried-run.js";
import { observeRun } from "../core/observe-run.js";
import { hashIdempotencyKey, hashRequest } from "../core/request-hash.js";
import { newRunId } from "../core/run-id.js";
import { isTerminal, runView, type RunRecord, type RunStatus, type RunView } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import type { RunRequest } from "../core/run-request.js";
import { isRunActive } from "../core/status.js";
import type { PoolView, Stored } from "../store/run-store.js";
import { IdempotencyKeyTaken, StoreConflict } from "../store/store-errors.js";
import { refusalError } from "./refusal-error.js";
import { currentLease, prepareRun, sendRun, settleRun, type DispatchDeps } from "./dispatch.js";
import { logRunEnd } from "./log-run-end.js";

export interface RunServiceDeps extends DispatchDeps {
  /** 0: no queue; a start with no free group is refused */
  maxQueued: number;
  /** Called when a group may have become free or a run was queued: the reconcile loop dispatches. */
  onWork?: () => void;
}

export interface StartedRun {
  run: RunView;
  /** True when an earlier request with the same idempotency key and body started this run. */
  replayed: boolean;
}

export interface RunLogs {
  id: string;
  content: string;
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
  cancel(runId: string): Promise<RunView>;
  /** Reads the group of an active run and records what changed; answers the run as it is now. */
  refresh(run: Stored<RunRecord>): Promise<Stored<RunRecord>>;
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

  /** Tries the free groups in pool order; answers the started run, or undefined when none could take it. */
  async function startOnFreeGroup(view: PoolView, record: RunRecord): Promise<Stored<RunRecord> | "conflict" | undefined> {
    const free = view.leases.filter((lease) => !lease.runId && deps.groups.includes(lease.group));
    let lacking = 0;
    const missing: ServiceError[] = [];
    for (const lease of free) {
      const prepared = await prepareRun(deps, lease, record);
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
      const claimed: RunRecord = { ...record, status: "starting", group: lease.group, claimedAt: deps.now().toISOString() };
      let stored: Stored<RunRecord>;
      try {
        stored = await store.startOnGroup(view, claimed, prepared.lease);
      } catch (error) {
        if (error instanceof StoreConflict) return "conflict";
        throw error;
      }
      await sendRun(deps, stored, prepared.body);
      return stored;
    }
    if (lacking > 0 && lacking === deps.groups.length) {
      throw new ServiceError("ContainerNotFound", `The configured container "${deps.container ?? ""}" is in no container group of the pool.`);
    }
    // No group of the pool exists: a misconfiguration to report, not a run to queue.
    if (missing.length > 0 && missing.length === deps.groups.length) throw missing[0];
    return undefined;
  }

  async function refresh(run: Stored<RunRecord>): Promise<Stored<RunRecord>> {
    if (isTerminal(run.status) || run.status === "queued" || !run.group) return run;
    const group = await arm.read(run.group);
    const context = { now: deps.now(), startDeadlineMs: deps.startDeadlineMs, ...(deps.container ? { container: deps.container } : {}) };
    const first = observeRun(run, group, context);
    if (!first) return run;
    // The lease is read only for an observation that ends the run: status reads of a run that
    // goes on cost one store read, not two.
    const lease = first.status !== undefined && isTerminal(first.status) ? await currentLease(store, run.group) : undefined;
    const updated = await settleRun(deps, run, (current) => {
      const patch = observeRun(current, group, context);
      if (!patch) return undefined;
      const next = { ...current, ...patch };
      const release = isTerminal(next.status) && lease?.runId === current.id ? lease : undefined;
      return { next, ...(release ? { release } : {}) };
    });
    if (isTerminal(updated.status)) {
      // A retried write may have ended the run without the lease in hand: free the group now.
      const held = lease === undefined ? await currentLease(store, run.group) : undefined;
      if (held?.runId === updated.id) await store.releaseLease(held).catch((error: unknown) => {
        if (!(error instanceof StoreConflict)) throw error;
      });
      deps.onWork?.();
    }
    return updated;
  }

  /**
   * Stops the group of a run just recorded canceled, if it carries the run, and frees it. A PUT
   * still in flight keeps the lease: the reconcile loop stops the group if the PUT lands, and frees
   * it once the start deadline has passed. A failed stop leaves the lease held too, and the loop
   * stops the group on its next pass.
   */
  async function stopAndRelease(run: Stored<RunRecord>, groupName: string): Promise<void> {
    const group = await arm.read(groupName);
    if (!carriesRun(group, run.id, deps.container)) return;
    if (isRunActive(group, deps.container)) await arm.stop(groupName);
    const lease = await currentLease(store, groupName);
    if (lease?.runId !== run.id) return;
    try {
      await store.releaseLease(lease);
      deps.onWork?.();
    } catch (error) {
      // Someone else freed it first: the loop's own pass.
      if (!(error instanceof StoreConflict)) throw error;
    }
  }

  return {
    refresh,

    start: async (request, idempotencyKey, startedBy) => {
      const requestHash = hashRequest(request);
      const keyHash = idempotencyKey === undefined ? undefined : hashIdempotencyKey(idempotencyKey);
      if (keyHash !== undefined) {
        const existing = await store.runForKey(keyHash);
        if (existing !== undefined) return replay(existing, requestHash);
      }
      for (let attempt = 0; attempt < maxDecisions; attempt += 1) {
        const view = await store.view();
        const now = deps.now();
        const record: RunRecord = {
          id: newRunId(now),
          status: "queued",
          env: request.env,
          ...(request.command ? { command: request.command } : {}),
          createdAt: now.toISOString(),
          requestHash,
          ...(keyHash ? { idempotencyKeyHash: keyHash } : {}),
          seq: view.counters.seq + 1,
          ...(startedBy ? { startedBy } : {}),
        };
        try {
          // Straight onto a group only past an empty queue: FIFO. An enqueue moves the counters this
          // start's write must still match, so no run can have joined the queue meanwhile.
          if (view.queue.length === 0) {
            const started = await startOnFreeGroup(view, record);
            if (started === "conflict") continue;
            if (started) return { run: runView(started), replayed: false };
          }
          if (deps.maxQueued === 0) throw await busyError(view);
          if (view.queue.length >= deps.maxQueued) {
            throw new ServiceError("QueueFull", `${view.queue.length} runs are already queued, the most this service accepts.`);
          }
          const queued = await store.enqueue(view, record);
          deps.onWork?.();
          return { run: runView(queued), replayed: false };
        } catch (error) {
          if (error instanceof IdempotencyKeyTaken) return replay(error.runId, requestHash);
          if (error instanceof StoreConflict) continue;
          throw error;
        }
      }
      throw new ServiceError("InternalError", "The run store kept changing under the start; retry.");
    },

    status: async (runId) => runView(await refresh(await getRun(runId))),

    list: async (query) => {
      const page = await store.listRuns(query);
      return { runs: page.runs.map(runView), nextCursor: page.nextCursor };
    },

    logs: async (runId, tail) => {
      const run = await refresh(await getRun(runId));
      if (run.status === "queued" || run.status === "starting" || !run.group) return { id: runId, content: "" };
      const group = await arm.read(run.group);
      if (!carriesRun(group, run.id, deps.container)) {
        throw new ServiceError("LogsUnavailable", `The container group of run ${runId} now holds another deployment; Azure kept no logs of this run.`);
      }
      const container = deps.container ?? group.properties.containers[0]?.name ?? "";
      return { id: runId, content: await arm.logs(run.group, container, tail) };
    },

    cancel: async (runId) => {
      for (let attempt = 0; attempt < maxDecisions; attempt += 1) {
        const run = await refresh(await getRun(runId));
        if (isTerminal(run.status)) {
          throw new ServiceError("RunNotActive", `Run ${runId} is not active; it ended as ${run.status}.`, { details: { runId, status: run.status } });
        }
        const finishedAt = deps.now().toISOString();
        try {
          if (run.status === "queued") return runView(logRunEnd(deps.logger, run, await store.cancelQueued(run, { ...run, status: "canceled", finishedAt })));
          // Recorded first, so that no reader of the stopping group records the stop as its own
          // "stopped outside the service"; the group is stopped and freed after.
          const canceled = logRunEnd(deps.logger, run, await store.updateRun(run, { ...run, status: "canceled", finishedAt }));
          if (run.group) await stopAndRelease(canceled, run.group);
          return runView(canceled);
        } catch (error) {
          if (error instanceof StoreConflict) continue;
          throw error;
        }
      }
      throw new ServiceError("InternalError", "The run store kept changing under the cancel; retry.");
    },
  };
}
