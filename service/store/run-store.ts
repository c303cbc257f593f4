import type { BaseEnv } from "../core/base-env.js";
import type { RunRecord, RunStatus } from "../core/run.js";

/** A record read from the store, with the ETag its next compare-and-set must match. */
export type Stored<T> = T & { etag: string };

/**
 * The pool's counters: the acceptance sequence and how many runs ever joined the queue. Only
 * accepting a run writes them, so starts serialize on them while dispatching and canceling never
 * conflict with a start; those count the runs that left the queue on an entity of their own.
 */
export interface PoolCounters {
  seq: number;
  enqueued: number;
}

/** Which run holds a container group, and the group's base definition. */
export interface GroupLease {
  group: string;
  /** the run holding the group; undefined when it is free */
  runId?: string;
  base?: BaseEnv;
  /** the attempt whose log the free group still holds until its final copy; a claim clears it */
  logOwed?: LogOwed;
}

/** A run's attempt whose container output only its group still holds. */
export interface LogOwed {
  runId: string;
  attempt: number;
}

export interface QueueEntry {
  seq: number;
  runId: string;
}

/** What a start decides on, read at once in reads as long as the pool, whatever the queue's length. */
export interface PoolView {
  counters: Stored<PoolCounters>;
  leases: Stored<GroupLease>[];
  /** how many runs wait: those that joined the queue minus those that left it */
  queued: number;
}

/**
 * Which replica observes a group's run, and until when: one replica at a time reads a group from
 * ARM, once per pass, and status reads take the run as stored while a replica observes it.
 */
export interface GroupWatch {
  group: string;
  replica: string;
  until: string;
}

/**
 * What one transaction of the store may hold: Azure Tables takes at most 100 operations and a
 * 4 MiB payload in an entity group transaction.
 */
export const transactionLimits = { actions: 100, bytes: 4 * 1024 * 1024 };

/** One run's change within a transaction: `next` over `run` (compare-and-set), with its rows. */
export interface RunChange {
  run: Stored<RunRecord>;
  next: RunRecord;
  rows: readonly RunRow[];
}

/**
 * A run as a transaction stored it, and the leases it wrote with the ETags the transaction's answer
 * gave them: a group freed by the write can be claimed next without reading its lease back (none
 * when the answer carried no ETags).
 */
export interface Committed {
  run: Stored<RunRecord>;
  leases: Stored<GroupLease>[];
}

/** Several runs as one transaction stored them (in the order of their changes), and the leases it wrote (see `Committed`). */
export interface CommittedRuns {
  runs: Stored<RunRecord>[];
  leases: Stored<GroupLease>[];
}

/** A row written in the same transaction as a run. */
export type RunRow =
  /** the lease set to `runId`, or freed when undefined (still owing the freed attempt's log) */
  | { kind: "lease"; lease: Stored<GroupLease>; runId: string | undefined; logOwed?: LogOwed }
  /** the run's queue entry deleted, and counted as left */
  | { kind: "dequeue"; seq: number }
  /** a retry's queue entry, at the run's own `seq`, counted as in the queue again */
  | { kind: "enqueue"; seq: number; runId: string }
  | { kind: "schedule-retry"; retry: RetryEntry }
  | { kind: "unschedule-retry"; seq: number }
  /** a webhook event to deliver, its body frozen as the transition decided it */
  | { kind: "outbox"; delivery: WebhookDeliveryRow };

/** One attempt to deliver a webhook event: its time, and the receiver's status or why none came. */
export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
}

/**
 * One webhook event of a run (a row per event): `id` is its `webhook-id`, and `body` is written
 * once, with the transition, so every attempt and every replica sends the same bytes under it.
 * `nextAttemptAt` is also the claim: an attempt moves it past its own timeout by compare-and-set
 * before sending, so no other replica sends it meanwhile, and one that dies mid-attempt leaves it
 * due again once that time has passed.
 */
export interface WebhookDeliveryRow {
  id: string;
  runId: string;
  type: string;
  url: string;
  body: string;
  createdAt: string;
  state: "pending" | "delivered" | "given-up";
  /** when the next attempt is due, while pending */
  nextAttemptAt?: string;
  attempts: DeliveryAttempt[];
}

/** A retrying run, and when its next attempt joins the queue. */
export interface RetryEntry {
  seq: number;
  runId: string;
  retryAt: string;
}

export interface RunPage {
  runs: Stored<RunRecord>[];
  nextCursor: string | null;
}

/**
 * The run store: the durable truth about runs, the queue, and which run holds which group.
 * Every write that changes a decision is one atomic compare-and-set over the records it touches
 * (their ETags must still match), so any number of replicas agree without talking to each other;
 * a write that lost the race throws `StoreConflict`, and the caller reads again and decides again.
 */
export interface RunStore {
  /** Creates what is missing (table, counters, a lease per group); idempotent. */
  prepare(groups: readonly string[]): Promise<void>;
  view(): Promise<PoolView>;
  /** The view and the queue's `heads` oldest entries, in one read as long as the pool and the heads. */
  viewWithHeads(heads: number): Promise<PoolView & { heads: QueueEntry[] }>;
  /** The queue's oldest entry (one entity read, `$top`), if any. */
  queueHead(): Promise<QueueEntry | undefined>;
  /** The queue's `top` oldest entries, oldest first (one read, `$top`): as many as groups are free. */
  queueHeads(top: number): Promise<QueueEntry[]>;
  getRun(id: string): Promise<Stored<RunRecord> | undefined>;
  /** The run an idempotency key (as its hash) started, if any. */
  runForKey(keyHash: string): Promise<string | undefined>;
  /** Newest first; `status` filters. */
  listRuns(query: { status?: RunStatus; limit: number; cursor?: string }): Promise<RunPage>;

  /** Accepts a run straight onto a free group: counters, the new run and the lease in one write. */
  startOnGroup(view: PoolView, run: RunRecord, lease: Stored<GroupLease>): Promise<Stored<RunRecord>>;
  /** Accepts a run into the queue: counters, the new run and its queue entry in one write. */
  enqueue(view: PoolView, run: RunRecord): Promise<Stored<RunRecord>>;
  /**
   * Writes `next` over `run` (compare-and-set on its ETag) and, in the same transaction, the rows
   * its transition asks for: a lease claimed or freed (compare-and-set on the lease's ETag), its
   * queue entry deleted. Answers both as stored (see `Committed`).
   */
  commitRun(run: Stored<RunRecord>, next: RunRecord, rows: readonly RunRow[]): Promise<Committed>;
  /**
   * Several runs' changes in one transaction (all or none): the claims of one pass, so the queue's
   * heads leave it together and in order. At most `transactionLimits` of actions and bytes.
   */
  commitRuns(changes: readonly RunChange[]): Promise<CommittedRuns>;
  /** One group's lease, read by key. */
  getLease(group: string): Promise<Stored<GroupLease> | undefined>;
  /** Deletes (and counts as left) a queue entry whose run is gone or moved on; one already gone is fine. */
  removeQueueEntry(seq: number): Promise<void>;
  /** The runs waiting to retry, oldest first (one range read, as long as the runs retrying). */
  retries(): Promise<RetryEntry[]>;
  /** The watch of a group, if any replica ever observed it. */
  watch(group: string): Promise<Stored<GroupWatch> | undefined>;
  /**
   * Records an observation (compare-and-set on `previous`, or a create) and answers it with its
   * new ETag, so the replica renews it without reading it; StoreConflict if another replica's came first.
   */
  recordWatch(previous: Stored<GroupWatch> | undefined, next: GroupWatch): Promise<Stored<GroupWatch>>;
  /** Frees a group whose run already ended (a replica stopped between the two). */
  releaseLease(lease: Stored<GroupLease>): Promise<void>;
  /** Pending webhook deliveries due at `now`, oldest first, at most `limit`. */
  dueDeliveries(now: Date, limit: number): Promise<Stored<WebhookDeliveryRow>[]>;
  /** A run's webhook events, oldest first. */
  deliveries(runId: string): Promise<Stored<WebhookDeliveryRow>[]>;
  /** Replaces a delivery (compare-and-set on its ETag; StoreConflict if another replica's came first). */
  replaceDelivery(previous: Stored<WebhookDeliveryRow>, next: WebhookDeliveryRow): Promise<Stored<WebhookDeliveryRow>>;
  /** Deletes runs (and their idempotency keys) created before `before`; returns how many. */
  pruneRuns(before: Date): Promise<number>;
}
