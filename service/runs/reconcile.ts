import { carriesRun } from "../core/carried-run.js";
import { attemptOf, type RunRecord } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import { isRunActive } from "../core/status.js";
import type { GroupLease, PoolView, Stored } from "../store/run-store.js";
import { StoreConflict, StoreUnavailable } from "../store/store-errors.js";
import { applyTransition } from "./apply-transition.js";
import { prepareRun, sendRun, stopGroup, type DispatchDeps, type Prepared } from "./dispatch.js";
import { createGroupWatches, leftGroup } from "./group-watches.js";
import { headsOf, readingRuns, sameHeads, type Head } from "./queue-heads.js";
import type { LogCopier } from "./log-copier.js";
import type { RunService } from "./run-service.js";
import { settleStandbySlot } from "./standby-dispatch.js";

export interface ReconcileDeps extends DispatchDeps {
  runs: RunService;
  /** This replica's name in the store's watch rows. */
  replica: string;
  /**
   * How long a replica's observation of a group stays its own: the others leave the group's ARM
   * reads to it until then, so reads depend on the groups and the interval, not on the replicas.
   */
  observeLeaseMs: number;
  /** Started after each pass's dispatch: it sends due webhook events detached, never holding up the pass. */
  outbox?: { drain(): void };
  /** Copies the output of the runs this replica observes into their archives; unset: no archive. */
  logCopier?: LogCopier;
  /** Told after every pass whether any run is queued or active, to keep a replica awake. */
  setAwake?: (awake: boolean) => Promise<void>;
}

export interface ReconcileResult {
  /** runs this pass sent to a group */
  dispatched: number;
  /** whether any run is queued or active after the pass */
  awake: boolean;
}

/**
 * One pass of the loop every replica runs, with no request needed: for each group that holds a
 * run and whose observation this replica holds (or takes), read ARM and record what changed
 * (ends, a lost run, a group gone); free groups whose run ended; then hand the queue's head to
 * each free, idle group, oldest first, on the reads this pass made. Every step is a
 * compare-and-set, so replicas running passes at once never repeat each other's PUTs.
 */
export function createReconciler(deps: ReconcileDeps): () => Promise<ReconcileResult> {
  const { store } = deps;
  const watches = createGroupWatches(deps, copyLog);

  /**
   * The observer copies the run's output: every interval while its attempt runs, and at once
   * when the attempt ended (not awaited: the group's next dispatch waits for that copy).
   */
  async function copyLog(watched: string, before: RunRecord, after: RunRecord): Promise<void> {
    const copier = deps.logCopier;
    if (!copier) return;
    // A standby run's watch is on its slot; its output is in the group it claimed.
    const group = before.group ?? watched;
    if (attemptOf(after) === attemptOf(before) && (after.status === "starting" || after.status === "running")) {
      if (after.confirmedAt !== undefined) copier.copyActive(group, after);
      return;
    }
    void copier.settleOwed(group, { runId: before.id, attempt: attemptOf(before) }, { run: after });
  }

  /** The final copies owed by free groups this replica observed (a canceled run's, one whose observer died). */
  async function settleOwedLogs(view: PoolView): Promise<void> {
    const copier = deps.logCopier;
    // A standby group is deleted only after its final copy (`settleStandbySlot`): no slot owes one.
    if (!copier || deps.standby) return;
    await Promise.all(view.leases.map((lease) => (!lease.runId && lease.logOwed && watches.holds(lease.group) ? copier.settleOwed(lease.group, lease.logOwed) : undefined)));
  }
  const past = (at: string | undefined) => at === undefined || deps.now().getTime() - Date.parse(at) >= deps.startDeadlineMs;

  /** The group as ARM shows it; undefined when it does not exist. */
  async function readGroup(name: string) {
    try {
      return await deps.reads.read(name);
    } catch (error) {
      if (error instanceof ServiceError && error.code === "ContainerGroupNotFound") return undefined;
      throw error;
    }
  }

  /** Settles the group of `view.leases[leaseIndex]`; answers whether its lease may have been freed. */
  async function settleHeldGroup(view: PoolView, leaseIndex: number): Promise<boolean> {
    const lease = view.leases[leaseIndex];
    if (!lease?.runId) return false;
    // Another replica's passes settle it, whatever its run's state, until its watch lapses.
    if (watches.watchedElsewhere(lease.group)) return false;
    const run = await store.getRun(lease.runId);
    if (run && !leftGroup(run)) {
      return watches.observe(lease.group, run, lease);
    }
    if (deps.standby) {
      await settleStandbySlot(deps, deps.standby, lease, run);
      return true;
    }
    // The run ended (or vanished, or waits to retry an attempt stopped for its deadline) but still
    // holds the group: a cancel or a deadline records the run first and then stops and frees the
    // group itself, so that is left to it until the start deadline has passed; after that, the
    // replica died, its stop failed, or its PUT was in flight.
    if (!run) {
      await store.releaseLease(lease);
      return true;
    }
    if (!past(run.finishedAt)) return false;
    const group = await readGroup(lease.group);
    const carried = group !== undefined && carriesRun(group, run, deps.container);
    if (carried && isRunActive(group, deps.container)) await stopGroup(deps, lease.group);
    if (!carried && run.confirmedAt === undefined && !past(run.claimedAt)) return false;
    await applyTransition(deps, run, { kind: "stop-confirmed" });
    return true;
  }

  /** Prepares the head's run on `lease`'s group; a group's own failure is logged and skipped. */
  async function prepareOn(lease: Stored<GroupLease>, run: RunRecord, since: number): Promise<Prepared | undefined> {
    try {
      return await prepareRun(deps, lease, run, since);
    } catch (error) {
      if (!(error instanceof ServiceError) || error instanceof StoreUnavailable) throw error;
      deps.logger.warn("container group failing", { group: lease.group, code: error.code });
      return undefined;
    }
  }

  /**
   * Moves each retry that is due into the queue (at its run's own place: see `retry-due`); a
   * compare-and-set, so of replicas meeting on one retry a single one queues it. Answers how many
   * retries still wait, and whether one joined the queue (ahead of any head read before).
   */
  async function queueDueRetries(): Promise<{ waiting: number; joined: boolean }> {
    const retries = await store.retries();
    // A standby run joins the queue again only once its last group is deleted and its slot free.
    const held = deps.standby && retries.length > 0 ? new Set((await store.view()).leases.map((lease) => lease.runId)) : new Set<string | undefined>();
    let waiting = 0;
    let joined = false;
    for (const entry of retries) {
      if (held.has(entry.runId)) {
        waiting += 1;
        continue;
      }
      if (Date.parse(entry.retryAt) > deps.now().getTime()) {
        waiting += 1;
        continue;
      }
      const run = await store.getRun(entry.runId);
      if (run === undefined) continue;
      try {
        joined = (await applyTransition(deps, run, { kind: "retry-due" })).effects.length > 0 || joined;
      } catch (error) {
        ignoreConflict(error);
      }
    }
    return { waiting, joined };
  }

  async function readHeads(top: number): Promise<Head[]> {
    return headsOf(store, await store.queueHeads(top));
  }

  /**
   * Hands the queue's head to a free group, oldest first, while one is free, on `view` (read after
   * the pass's ends were recorded) and the heads read beside it: as many as groups are free, so
   * the claims of a pass share one read of the queue. A lost race reads both again. The view
   * serves every claim of the pass: a claimed group is left out of it from then on.
   */
  async function claimHeads(since: number, sends: Array<Promise<void>>, first: PoolView, heads: Head[]): Promise<Claimed> {
    const skip = new Set<string>();
    let dispatched = 0;
    let view = first;
    // Whether the queue may hold more than was read.
    let more = heads.length > 0;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const free = view.leases.filter((lease) => !lease.runId && deps.groups.includes(lease.group) && !skip.has(lease.group));
      if (heads.length === 0 && more && free.length > 0) {
        heads = await readHeads(free.length);
        more = heads.length === free.length;
      }
      const head = heads[0];
      if (!head) return { dispatched, awake: dispatched > 0 || view.queued > 0 || view.leases.some((lease) => lease.runId !== undefined) };
      const run = await head.run();
      readingRuns(heads.slice(1, 2));
      if (!run || run.status !== "queued") {
        // An entry whose run is gone (pruned, hand-edited) or moved on without it.
        await store.removeQueueEntry(head.entry.seq);
        heads = heads.slice(1);
        more = true;
        continue;
      }
      if (free.length === 0) return { dispatched, awake: true };
      let outcome: "claimed" | "refused" | "lost" | undefined;
      for (const lease of free) {
        const prepared = await prepareOn(lease, run, since);
        if (prepared === undefined || (!prepared.ok && prepared.busy)) {
          skip.add(lease.group);
          continue;
        }
        if (!prepared.ok) {
          if (prepared.refusal.code === "ContainerNotFound") continue;
          await applyTransition(deps, run, { kind: "start-refused", message: `The run cannot start: ${prepared.refusal.code}.` });
          outcome = "refused";
          break;
        }
        let stored: Stored<RunRecord>;
        try {
          stored = (await applyTransition(deps, run, { kind: "dispatched", group: prepared.group }, prepared.lease)).run;
        } catch (error) {
          ignoreConflict(error);
          outcome = "lost";
          break;
        }
        dispatched += 1;
        skip.add(lease.group);
        outcome = "claimed";
        deps.logger.info("run dispatched", { runId: run.id, group: prepared.group });
        // A run that did not start is recorded by sendRun; its error is the caller's, and no caller waits.
        sends.push(
          sendRun(deps, stored, prepared.body).then(
            () => undefined,
            (error: unknown) => {
              if (!(error instanceof ServiceError)) deps.logger.warn("dispatch failed", { runId: run.id, group: prepared.group, err: error });
            },
          ),
        );
        break;
      }
      if (outcome === undefined) return { dispatched, awake: true };
      if (outcome === "lost") {
        // Another replica moved the head (or took the group): what was read of both is stale.
        const wanted = free.length;
        const fresh = await store.viewWithHeads(wanted);
        view = fresh;
        heads = headsOf(store, fresh.heads);
        more = heads.length === wanted;
      } else {
        heads = heads.slice(1);
      }
    }
    return { dispatched, awake: true };
  }

  const pass = async (): Promise<ReconcileResult> => {
    const since = deps.reads.mark();
    const start = await store.viewWithHeads(1);
    // The head's run is read beside the settling, so a group freed in this pass is handed on at once.
    const early = readingRuns(headsOf(store, start.heads));
    // Groups are settled side by side: a pass takes one group's round trips, not the pool's.
    const freed = await Promise.all(
      start.leases.map(async (lease, i) => {
        try {
          return await deps.telemetry.span("reconcile.group", { group: lease.group, ...(lease.runId ? { runId: lease.runId } : {}) }, () => settleHeldGroup(start, i));
        } catch (error) {
          // One group's trouble (ARM down, a lost race) must not stop the others' reconcile.
          if (!(error instanceof StoreConflict)) deps.logger.warn("reconcile of a group failed", { group: lease.group, err: error });
          return true;
        }
      }),
    );
    await settleOwedLogs(start);
    // The view is read again only when this pass freed a group; a retry that joined the queue stands ahead of the head read before.
    const [retries, settled] = await Promise.all([queueDueRetries(), freed.some(Boolean) ? store.viewWithHeads(1) : start]);
    const first = retries.joined ? await readHeads(1) : settled === start ? early : sameHeads(headsOf(store, settled.heads), early);
    // A group whose run's end this pass saw is dispatched on the read that saw it; the PUTs go out side by side.
    const sends: Array<Promise<void>> = [];
    try {
      // ARM throttled a start of this process's: nothing is claimed until its Retry-After has passed.
      const paused = deps.pause?.paused(deps.now().getTime()) === true;
      const claimed = paused ? { dispatched: 0, awake: true } : await claimHeads(since, sends, settled, first);
      deps.outbox?.drain();
      const awake = retries.waiting > 0 || claimed.awake;
      await deps.setAwake?.(awake);
      return { dispatched: claimed.dispatched, awake };
    } finally {
      await Promise.all(sends);
    }
  };
  return () => deps.telemetry.span("reconcile", {}, pass);
}

interface Claimed {
  dispatched: number;
  /** whether any run is queued or holds a group once the claims are done */
  awake: boolean;
}

function ignoreConflict(error: unknown): void {
  if (!(error instanceof StoreConflict)) throw error;
}
