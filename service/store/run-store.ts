import type { BaseEnv } from "../core/base-env.js";
import type { RunRecord, RunStatus } from "../core/run.js";

/** A record read from the store, with the ETag its next compare-and-set must match. */
export type Stored<T> = T & { etag: string };

/**
 * The pool's counters: the acceptance sequence. Only accepting a run writes them, so starts
 * serialize on them while dispatching and canceling (which touch the run, its queue entry and a
 * lease) never conflict with a start. How many runs wait is the view's queue.
 */
export interface PoolCounters {
  seq: number;
}

/** Which run holds a container group, and the group's base definition. */
export interface GroupLease {
  group: string;
  /** the run holding the group; undefined when it is free */
  runId?: string;
  base?: BaseEnv;
}

export interface QueueEntry {
  seq: number;
  runId: string;
}

/** Everything dispatch decides on, read at once. */
export interface PoolView {
  counters: Stored<PoolCounters>;
  leases: Stored<GroupLease>[];
  /** oldest first */
  queue: QueueEntry[];
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
  getRun(id: string): Promise<Stored<RunRecord> | undefined>;
  /** The run an idempotency key (as its hash) started, if any. */
  runForKey(keyHash: string): Promise<string | undefined>;
  /** Newest first; `status` filters. */
  listRuns(query: { status?: RunStatus; limit: number; cursor?: string }): Promise<RunPage>;

  /** Accepts a run straight onto a free group: counters, the new run and the lease in one write. */
  startOnGroup(view: PoolView, run: RunRecord, lease: Stored<GroupLease>): Promise<Stored<RunRecord>>;
  /** Accepts a run into the queue: counters, the new run and its queue entry in one write. */
  enqueue(view: PoolView, run: RunRecord): Promise<Stored<RunRecord>>;
  /** Moves the queue's head onto a free group: run, queue entry and lease in one write. */
  dispatch(run: Stored<RunRecord>, next: RunRecord, lease: Stored<GroupLease>): Promise<Stored<RunRecord>>;
  /** Ends or changes a run; with `release`, frees the group it held in the same write. */
  updateRun(run: Stored<RunRecord>, next: RunRecord, release?: Stored<GroupLease>): Promise<Stored<RunRecord>>;
  /** Cancels a queued run: the run and its queue entry in one write. */
  cancelQueued(run: Stored<RunRecord>, next: RunRecord): Promise<Stored<RunRecord>>;
  /** Frees a group whose run already ended (a replica stopped between the two). */
  releaseLease(lease: Stored<GroupLease>): Promise<void>;
  /** Deletes runs (and their idempotency keys) created before `before`; returns how many. */
  pruneRuns(before: Date): Promise<number>;
}
