import { carriesRun } from "../core/carried-run.js";
import { attemptOf, type RunRecord } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import { isRunActive } from "../core/status.js";
import type { GroupLease, PoolView, QueueEntry, Stored } from "../store/run-store.js";
import { StoreConflict, StoreUnavailable } from "../store/store-errors.js";
import { applyTransition, commitClaims, type Claim } from "./apply-transition.js";
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
  const watches = createGroupWatches(deps, observed);

  /*
   * The runs this replica observes, as it last read or wrote them, and when. Another replica
   * changes an active run only by a cancel, which stops and frees the group itself, and any write
   * on a stale copy fails its compare-and-set and reads the run again: so a pass reads a held run
   * from the store only once its copy is older than half a watch, not every pass.
   */
  const heldRuns = new Map<string, { run: Stored<RunRecord>; at: number }>();

  async function heldRun(runId: string): Promise<Stored<RunRecord> | undefined> {
    const now = deps.now().getTime();
    const known = heldRuns.get(runId);
    if (known && now - known.at < deps.observeLeaseMs / 2) return known.run;
    const run = await store.getRun(runId);
    if (run) heldRuns.set(runId, { run, at: now });
    else heldRuns.delete(runId);
    return run;
  }

  async function observed(watched: string, before: Stored<RunRecord>, after: Stored<RunRecord>): Promise<void> {
    if (leftGroup(after)) heldRuns.delete(after.id);
    else if (after !== before) heldRuns.set(after.id, { run: after, at: deps.now().getTime() });
    await copyLog(watched, before, after);
  }

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
    const run = await heldRun(lease.runId);
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
   * Hands the queue's heads to the free groups, oldest first, on `first` (read after the pass's
   * ends were recorded) and the heads read beside it: as many heads as groups are free, their runs
   * read side by side, each prepared on a group, and all claims committed together (see
   * `commitClaims`), so a pass's claims cost one read of the queue and one write. A lost race
   * reads both again. A claimed group is left out of the view from then on.
   */
  async function claimHeads(since: number, sends: Array<Promise<void>>, first: PoolView, heads: Head[]): Promise<Claimed> {
    const skip = new Set<string>();
    let dispatched = 0;
    let view = first;
    // Whether the queue may hold more than was read.
    let more = heads.length > 0;
    for (let round = 0; round < 100; round += 1) {
      const free = view.leases.filter((lease) => !lease.runId && deps.groups.includes(lease.group) && !skip.has(lease.group));
      if (heads.length < free.length && more) {
        heads = sameHeads(await readHeads(free.length), heads);
        more = heads.length === free.length;
      }
      if (heads.length === 0) return { dispatched, awake: dispatched > 0 || view.queued > 0 || view.leases.some((lease) => lease.runId !== undefined) };
      // With no group free, the head is still looked at: an orphan entry is removed all the same.
      const batch = heads.slice(0, Math.max(1, free.length));
      const runs = await Promise.all(batch.map((head) => head.run()));
      const plan = await planClaims(batch, runs, free, since);
      for (const group of plan.busy) skip.add(group);
      for (const entry of plan.orphans) await store.removeQueueEntry(entry.seq);
      for (const refused of plan.refused) await applyTransition(deps, refused.run, { kind: "start-refused", message: `The run cannot start: ${refused.code}.` });
      const committed = await commitClaims(deps, plan.claims);
      for (const { claim, run: stored } of committed.claimed) {
        const { prepared, lease } = claim;
        heldRuns.set(stored.id, { run: stored, at: deps.now().getTime() });
        dispatched += 1;
        skip.add(lease.group);
        deps.logger.info("run dispatched", { runId: stored.id, group: prepared.group });
        // A run that did not start is recorded by sendRun; its error is the caller's, and no caller waits.
        sends.push(
          sendRun(deps, stored, prepared.body).then(
            () => undefined,
            (error: unknown) => {
              if (!(error instanceof ServiceError)) deps.logger.warn("dispatch failed", { runId: stored.id, group: prepared.group, err: error });
            },
          ),
        );
      }
      if (committed.lost) {
        // Another replica moved a head (or took a group): what was read of both is stale.
        const fresh = await store.viewWithHeads(free.length);
        view = fresh;
        heads = headsOf(store, fresh.heads);
        more = heads.length === free.length;
        continue;
      }
      if (plan.taken === 0) return { dispatched, awake: true };
      heads = heads.slice(plan.taken);
    }
    return { dispatched, awake: true };
  }

  /**
   * Pairs heads with free groups in order: a head whose run is gone or moved on is an orphan
   * entry; a group busy or failing is skipped; a run the groups refuse fails. Stops at the first
   * head no group can take, so claims never pass over an older run. `taken` counts the heads
   * settled one way or another.
   */
  async function planClaims(heads: Head[], runs: Array<Stored<RunRecord> | undefined>, free: Stored<GroupLease>[], since: number): Promise<ClaimPlan> {
    const plan: ClaimPlan = { claims: [], orphans: [], refused: [], busy: [], taken: 0 };
    let groups = free;
    for (const [i, head] of heads.entries()) {
      const run = runs[i];
      if (!run || run.status !== "queued") {
        // An entry whose run is gone (pruned, hand-edited) or moved on without it.
        plan.orphans.push(head.entry);
        plan.taken += 1;
        continue;
      }
      let settled = false;
      for (const lease of groups) {
        const prepared = await prepareOn(lease, run, since);
        if (prepared === undefined || (!prepared.ok && prepared.busy)) {
          plan.busy.push(lease.group);
          groups = groups.filter((other) => other !== lease);
          continue;
        }
        if (!prepared.ok) {
          if (prepared.refusal.code === "ContainerNotFound") continue;
          plan.refused.push({ run, code: prepared.refusal.code });
          settled = true;
          break;
        }
        plan.claims.push({ run, group: prepared.group, lease: prepared.lease, prepared });
        groups = groups.filter((other) => other !== lease);
        settled = true;
        break;
      }
      if (!settled) return plan;
      plan.taken += 1;
    }
    return plan;
  }

  const pass = async (): Promise<ReconcileResult> => {
    const since = deps.reads.mark();
    const start = await store.viewWithHeads(1);
    const holding = new Set(start.leases.map((lease) => lease.runId));
    for (const runId of heldRuns.keys()) if (!holding.has(runId)) heldRuns.delete(runId);
    // The head's run is read beside the settling, so a group freed in this pass is handed on at once.
    const early = readingRuns(headsOf(store, start.heads));
    // Groups are settled side by side, and the retries due beside them: a pass takes one group's round trips, not the pool's.
    const [freed, retries] = await Promise.all([
      Promise.all(
        start.leases.map(async (lease, i) => {
          try {
            return await deps.telemetry.span("reconcile.group", { group: lease.group, ...(lease.runId ? { runId: lease.runId } : {}) }, () => settleHeldGroup(start, i));
          } catch (error) {
            // One group's trouble (ARM down, a lost race) must not stop the others' reconcile.
            if (!(error instanceof StoreConflict)) deps.logger.warn("reconcile of a group failed", { group: lease.group, err: error });
            return true;
          }
        }),
      ),
      queueDueRetries(),
    ]);
    await settleOwedLogs(start);
    // The view is read again only when this pass freed a group or a retry joined the queue (ahead
    // of the head read before), with as many heads as groups may be free.
    const free = start.leases.filter((lease, i) => !lease.runId || freed[i]).length;
    const settled = freed.some(Boolean) || retries.joined ? await store.viewWithHeads(Math.max(1, free)) : start;
    const first = settled === start ? early : sameHeads(headsOf(store, settled.heads), early);
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

interface ClaimPlan {
  claims: Array<Claim & { prepared: Extract<Prepared, { ok: true }> }>;
  orphans: QueueEntry[];
  refused: Array<{ run: Stored<RunRecord>; code: string }>;
  busy: string[];
  taken: number;
}

interface Claimed {
  dispatched: number;
  /** whether any run is queued or holds a group once the claims are done */
  awake: boolean;
}

function ignoreConflict(error: unknown): void {
  if (!(error instanceof StoreConflict)) throw error;
}
