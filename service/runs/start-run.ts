import { maxStoredRequestBytes, storedRequestBytes } from "../core/limits.js";
import { hashIdempotencyKey, hashRequest } from "../core/request-hash.js";
import { newRunId } from "../core/run-id.js";
import { runView, type RunRecord, type RunView } from "../core/run.js";
import { transition, type RunEvent } from "../core/run-transition.js";
import { ServiceError } from "../core/service-error.js";
import type { RunDefaults } from "../core/run-defaults.js";
import type { RunRequest } from "../core/run-request.js";
import { webhookUrlRefusal } from "../core/webhook-url.js";
import type { PoolView, Stored } from "../store/run-store.js";
import { IdempotencyKeyTaken, StoreConflict } from "../store/store-errors.js";
import { refusalError } from "./refusal-error.js";
import { transitionContext } from "./apply-transition.js";
import { prepareRun, sendRun, type DispatchDeps } from "./dispatch.js";

export interface StartedRun {
  run: RunView;
  /** True when an earlier request with the same idempotency key and body started this run. */
  replayed: boolean;
}

/** What a start needs of the run service's dependencies. */
export interface StartDeps extends DispatchDeps {
  /** 0: no queue; a start with no free group is refused */
  maxQueued: number;
  /** Called when a run was queued: the reconcile loop dispatches. */
  onWork?: () => void;
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

async function replay(deps: StartDeps, runId: string, requestHash: string): Promise<StartedRun> {
  const run = await deps.store.getRun(runId);
  if (!run) throw new ServiceError("InternalError", "The run of this idempotency key is gone.");
  if (run.requestHash !== requestHash) {
    throw new ServiceError("IdempotencyKeyReused", "This Idempotency-Key was used for a different request body.", { details: { runId } });
  }
  return { run: runView(run), replayed: true };
}

/** RunInProgress naming a run that holds a group, from a fresh view when `view` showed none. */
async function busyError(deps: StartDeps, view: PoolView): Promise<ServiceError> {
  const holder = (leases: PoolView["leases"]) => leases.find((lease) => lease.runId && deps.groups.includes(lease.group))?.runId;
  // The view may predate the run that took the group (ARM already showed it busy).
  const running = holder(view.leases) ?? holder((await deps.store.view()).leases);
  return new ServiceError("RunInProgress", running ? `Run ${running} is still in progress.` : "Every container group is busy.", {
    ...(running ? { details: { runId: running } } : {}),
  });
}

/**
 * Tries the free groups in pool order; answers the started run, or undefined when none could
 * take it. One group's failure (access denied, ARM down for it) only moves on to the next.
 */
async function startOnFreeGroup(deps: StartDeps, view: PoolView, record: RunRecord, since: number): Promise<Stored<RunRecord> | "conflict" | undefined> {
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
      stored = await deps.store.startOnGroup(view, claimed, prepared.lease);
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

/**
 * Accepts a run: the same request under an idempotency key already used answers that run; else
 * the run goes straight onto a free group when the queue is empty (FIFO), or into the queue.
 */
export async function startRun(deps: StartDeps, request: RunRequest, idempotencyKey?: string, startedBy?: string): Promise<StartedRun> {
  const { store } = deps;
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
    if (existing !== undefined) return replay(deps, existing, requestHash);
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
        const started = await startOnFreeGroup(deps, view, record, since);
        if (started === "conflict") continue;
        if (started) return { run: runView(started), replayed: false };
      }
      if (deps.maxQueued === 0) throw await busyError(deps, view);
      if (view.queued >= deps.maxQueued) {
        throw new ServiceError("QueueFull", `${view.queued} runs are already queued, the most this service accepts.`);
      }
      const queued = await store.enqueue(view, record);
      deps.onWork?.();
      return { run: runView(queued), replayed: false };
    } catch (error) {
      if (error instanceof IdempotencyKeyTaken) return replay(deps, error.runId, requestHash);
      if (!(error instanceof StoreConflict)) throw error;
      deps.telemetry.storeConflict("enqueue");
    }
  }
  throw new ServiceError("InternalError", "The run store kept changing under the start; retry.");
}
