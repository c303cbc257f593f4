import { randomUUID } from "node:crypto";
import { storedRequestBytes } from "../core/limits.js";
import { retryBackoffOf, type RunDefaults } from "../core/run-defaults.js";
import { attemptOf, sameClaim, type RunRecord } from "../core/run.js";
import { transition, type RunEffect, type RunEvent, type TransitionContext } from "../core/run-transition.js";
import { webhookEventOf, type WebhookEventType } from "../core/webhook-event.js";
import type { Logger } from "../logger.js";
import { transactionLimits, type GroupLease, type RunChange, type RunRow, type RunStore, type Stored, type WebhookDeliveryRow } from "../store/run-store.js";
import { StoreConflict } from "../store/store-errors.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import { reportRunEnd } from "./log-run-end.js";

/** What the writer needs: a part of the dispatch dependencies. */
export interface WriterDeps {
  store: RunStore;
  logger: Logger;
  telemetry: Telemetry;
  now: () => Date;
  startDeadlineMs: number;
  container?: string;
  /** the start's limit and the retries' backoff; unset: no start limit, retries due at once */
  runDefaults?: RunDefaults;
  /** the backoff's jitter source, [0, 1); default Math.random */
  random?: () => number;
  /** where run events go; unset: no outbox rows */
  webhook?: WebhookTarget;
}

/** Where runs' events are delivered, and which are. */
export interface WebhookTarget {
  /** the service's own receiver (TRIGGER_WEBHOOK_URL): every run's events go there */
  url?: string;
  /** all when unset; a run's own URL gets the same types */
  events?: ReadonlySet<WebhookEventType>;
  /** the origins a run's own `webhookUrl` may name (see core/webhook-url.ts); none when unset */
  allowedOrigins?: ReadonlySet<string>;
}

export interface Applied {
  /** the run as stored now */
  run: Stored<RunRecord>;
  /** the effects of the committed transition (none when the event changed nothing) */
  effects: RunEffect[];
  /** the leases the transition's write claimed or freed, as stored now (none when unknown) */
  leases: Stored<GroupLease>[];
}

/** The context the transition function decides in: now, and the start's rules. */
export function transitionContext(deps: Omit<WriterDeps, "store" | "logger">): TransitionContext {
  return {
    now: deps.now(),
    startDeadlineMs: deps.startDeadlineMs,
    ...(deps.container ? { container: deps.container } : {}),
    ...(deps.runDefaults ? { startTimeoutMs: deps.runDefaults.startTimeoutSeconds * 1000, retryBackoff: retryBackoffOf(deps.runDefaults) } : {}),
    jitter: (deps.random ?? Math.random)(),
  };
}

// Far more than replicas ever race for one run; past it, something is wrong with the store.
const maxAttempts = 20;

/**
 * The one writer of a run's status: decides `event` with the transition function on the run as
 * stored, and commits the new record together with the rows its effects ask for (a lease claimed
 * or freed, a queue entry deleted) in one compare-and-set transaction. A lost race reads the run
 * again and decides again. A claim (`dispatched`) is not retried: its lease was taken on a view
 * that may be stale, so the conflict goes back to the caller to decide on a fresh one; nor is an
 * event of a claim the run has left (see `sameClaim`). `claim`
 * is the lease a claim takes, or the standby slot a run frees when its group is named for it.
 * A committed end is logged here, once.
 */
export async function applyTransition(
  deps: WriterDeps,
  run: Stored<RunRecord>,
  event: RunEvent,
  claim?: Stored<GroupLease>,
  /** The lease of the run's group as a view just read it: a group freed on it needs no read of the lease. */
  known?: Stored<GroupLease>,
): Promise<Applied> {
  let current = run;
  let lease = known;
  for (let attempt = 1; ; attempt += 1) {
    const decided = transition(current, event, transitionContext(deps));
    if (decided === undefined) return { run: current, effects: [], leases: [] };
    try {
      const rows = [...(await rowsFor(deps, current, decided.effects, claim, lease)), ...outboxRows(deps, current, decided.run)];
      const { run: stored, leases } = await deps.store.commitRun(current, decided.run, rows);
      if (decided.effects.some((effect) => effect.kind === "run-ended")) reportRunEnd(deps, current, stored);
      return { run: stored, effects: decided.effects, leases };
    } catch (error) {
      if (error instanceof StoreConflict) deps.telemetry.storeConflict("commitRun");
      if (!(error instanceof StoreConflict) || claim !== undefined || attempt >= maxAttempts) throw error;
      const fresh = await deps.store.getRun(current.id);
      if (!fresh) throw error;
      // An event decided on one claim of the run (a read of its group, a stop, a copy of its log)
      // is not decided again on another: a cancel is the caller's wish for the run, whatever its attempt.
      if (event.kind !== "cancel-requested" && !sameClaim(fresh, run)) return { run: fresh, effects: [], leases: [] };
      current = fresh;
      lease = undefined;
    }
  }
}

/** A queue head to claim, and the free lease of the group prepared for it. */
export interface Claim {
  run: Stored<RunRecord>;
  /** the group the run starts on: the lease's, or in standby mode the group it claims */
  group: string;
  lease: Stored<GroupLease>;
}

// A run's entity beside its request (see `storedRequestBytes`), and a transaction's framing.
const runEntityBytes = 16 * 1024;
const transactionBytes = transactionLimits.bytes - 512 * 1024;

/**
 * Claims queue heads, oldest first, each for its lease's group: the claims go into as few
 * transactions as the store's limits allow, committed one after another, so the heads leave the
 * queue in their order and a pass's claims cost one write, not one each. A transaction that lost
 * a race (another replica claimed a head or a group first) ends the claims: the caller reads the
 * queue and the pool again. Answers the runs claimed, in order, and whether a race was lost.
 */
export async function commitClaims<C extends Claim>(deps: WriterDeps, claims: readonly C[]): Promise<{ claimed: Array<{ claim: C; run: Stored<RunRecord> }>; lost: boolean }> {
  const changes: Array<RunChange & { claim: C }> = [];
  for (const claim of claims) {
    const decided = transition(claim.run, { kind: "dispatched", group: claim.group }, transitionContext(deps));
    if (decided === undefined) continue;
    const rows = [...(await rowsFor(deps, claim.run, decided.effects, claim.lease, undefined)), ...outboxRows(deps, claim.run, decided.run)];
    changes.push({ run: claim.run, next: decided.run, rows, claim });
  }
  const claimed: Array<{ claim: C; run: Stored<RunRecord> }> = [];
  for (const chunk of transactions(changes)) {
    try {
      const { runs } = await deps.store.commitRuns(chunk);
      chunk.forEach((change, i) => claimed.push({ claim: change.claim, run: runs[i]! }));
    } catch (error) {
      if (!(error instanceof StoreConflict)) throw error;
      deps.telemetry.storeConflict("commitRun");
      return { claimed, lost: true };
    }
  }
  return { claimed, lost: false };
}

/** `changes` cut into transactions the store takes: each run's update, its rows, and one count of the queue. */
function transactions<T extends RunChange>(changes: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let actions = 1;
  let bytes = 0;
  for (const change of changes) {
    const size = storedRequestBytes(change.next) + runEntityBytes;
    const count = 1 + change.rows.length;
    if (chunk.length > 0 && (actions + count > transactionLimits.actions || bytes + size > transactionBytes)) {
      chunks.push(chunk);
      chunk = [];
      actions = 1;
      bytes = 0;
    }
    chunk.push(change);
    actions += count;
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The store rows of `effects`: a group is freed only while its lease still names the run. */
async function rowsFor(deps: WriterDeps, run: RunRecord, effects: RunEffect[], claim: Stored<GroupLease> | undefined, known: Stored<GroupLease> | undefined): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for (const effect of effects) {
    if (effect.kind === "dequeue") rows.push({ kind: "dequeue", seq: effect.seq });
    if (effect.kind === "enqueue") rows.push({ kind: "enqueue", seq: effect.seq, runId: run.id });
    if (effect.kind === "unschedule-retry") rows.push({ kind: "unschedule-retry", seq: effect.seq });
    if (effect.kind === "schedule-retry") rows.push({ kind: "schedule-retry", retry: { seq: effect.seq, runId: run.id, retryAt: effect.retryAt } });
    if (effect.kind === "claim-group") {
      // A standby run's group is named for it, and its lease is a slot of the quota.
      if (claim === undefined) throw new Error("a dispatch needs the lease it claims");
      rows.push({ kind: "lease", lease: claim, runId: run.id });
    }
    if (effect.kind === "release-group") {
      // A standby run's group is named for it: the lease it frees is its slot, handed in as `lease`.
      const lease = (known?.group === effect.group && known.runId === run.id ? known : await deps.store.getLease(effect.group)) ?? claim;
      if (lease?.runId === run.id) rows.push({ kind: "lease", lease, runId: undefined, logOwed: { runId: run.id, attempt: attemptOf(run) } });
    }
  }
  return rows;
}

/**
 * The outbox rows of the event this transition sends, if one is wanted: written with the run,
 * its body frozen now. The service's receiver and the run's own URL each get a row of their own,
 * under an id of their own, retried apart (one row when both are the same URL).
 */
function outboxRows(deps: WriterDeps, before: RunRecord, after: RunRecord): RunRow[] {
  if (deps.webhook === undefined) return [];
  const now = deps.now();
  const event = webhookEventOf(before, after, now);
  if (event === undefined || (deps.webhook.events !== undefined && !deps.webhook.events.has(event.type))) return [];
  const urls = new Set([deps.webhook.url, after.webhookUrl].filter((url) => url !== undefined));
  return [...urls].map((url): RunRow => {
    const delivery: WebhookDeliveryRow = {
      id: `msg_${randomUUID()}`,
      runId: after.id,
      type: event.type,
      url,
      body: JSON.stringify(event),
      createdAt: now.toISOString(),
      state: "pending",
      nextAttemptAt: now.toISOString(),
      attempts: [],
    };
    return { kind: "outbox", delivery };
  });
}
