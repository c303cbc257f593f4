import type { WireContainerGroup } from "../core/arm-types.js";
import { carriesRun } from "../core/carried-run.js";
import { attemptEnded, attemptOf, type RunRecord } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import { isRunActive } from "../core/status.js";
import type { PoolView, Stored } from "../store/run-store.js";
import { StoreConflict } from "../store/store-errors.js";
import { applyTransition } from "./apply-transition.js";
import { passClaims } from "./claim-heads.js";
import { stopGroup, type DispatchDeps } from "./dispatch.js";
import { queueDueRetries } from "./due-retries.js";
import { createHeldRuns } from "./held-runs.js";
import { createGroupWatches, type GroupLeft } from "./group-watches.js";
import { headsOf, readingRuns } from "./queue-heads.js";
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

export interface Reconciler {
  /**
   * One pass: resolves once its claims are committed, with their PUTs on their way. A PUT takes
   * ARM a second or two, and one ARM throttles waits out its Retry-After: the next pass does not
   * wait for it to observe the other groups.
   */
  pass(): Promise<ReconcileResult>;
  /** Resolves once every PUT the passes sent so far has settled (each records what came of it): what a shutdown waits for. */
  sending(): Promise<void>;
}

/**
 * The loop every replica runs, with no request needed. A pass: for each group that holds a run
 * and whose observation this replica holds (or takes), read ARM and record what changed (ends, a
 * lost run, a group gone); free groups whose run ended; then hand the queue's head to each free,
 * idle group, oldest first, on the reads this pass made. Every step is a compare-and-set, so
 * replicas running passes at once never repeat each other's PUTs.
 */
export function createReconciler(deps: ReconcileDeps): Reconciler {
  const { store } = deps;
  const watches = createGroupWatches(deps, observed, beginFinalCopy);
  const heldRuns = createHeldRuns({ store, now: deps.now, maxAgeMs: deps.observeLeaseMs / 2 });
  // The PUTs sent and not yet settled (a send never rejects: it records a failure itself).
  const inFlight = new Set<Promise<void>>();
  // Where the pass under way began reading groups (see `GroupReads`).
  let passSince: number | undefined;

  async function observed(watched: string, before: Stored<RunRecord>, after: Stored<RunRecord>): Promise<void> {
    if (after !== before) heldRuns.wrote(after);
    // Nothing recorded of a run not yet confirmed: its PUT may be in flight, or the copy is of an
    // attempt another replica has since ended (whose group is gone), which no write would correct.
    else if (after.confirmedAt === undefined) heldRuns.forget(after.id);
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
    // The pass's read that saw the end serves the copy's check of the group.
    void copier.settleOwed(group, { runId: before.id, attempt: attemptOf(before) }, { run: after, ...(passSince !== undefined ? { since: passSince } : {}) });
  }

  /** An attempt the observation read ended: its final copy begins beside the write of its end, which the group's next PUT waits for. */
  function beginFinalCopy(watched: string, run: RunRecord, read: WireContainerGroup): void {
    const group = run.group ?? watched;
    if (deps.logCopier && carriesRun(read, run, deps.container) && !isRunActive(read, deps.container)) deps.logCopier.beginFinal(group, { runId: run.id, attempt: attemptOf(run) });
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

  /** Settles the group of `view.leases[leaseIndex]`; answers whether its lease was (or may have been) freed. */
  async function settleHeldGroup(view: PoolView, leaseIndex: number): Promise<GroupLeft> {
    const lease = view.leases[leaseIndex];
    if (!lease?.runId) return false;
    // Another replica's passes settle it, whatever its run's state, until its watch lapses.
    if (watches.watchedElsewhere(lease.group)) return false;
    const run = await heldRuns.get(lease.runId);
    if (run && !attemptEnded(run)) {
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

  const pass = async (): Promise<ReconcileResult> => {
    const since = deps.reads.mark();
    passSince = since;
    const start = await store.viewWithHeads(1);
    heldRuns.keepOnly(new Set(start.leases.map((lease) => lease.runId)));
    // The head's run is read beside the settling, so a group freed in this pass is handed on at once.
    const early = readingRuns(headsOf(store, start.heads));
    const sends: Array<Promise<void>> = [];
    // ARM throttled a start of this process's: nothing is claimed until its Retry-After has passed.
    const paused = deps.pause?.paused(deps.now().getTime()) === true;
    // A group whose run's end this pass saw is claimed on the write that recorded the end, while
    // the other groups are still read; the PUTs go out side by side, and the pass does not wait for them.
    const claims = paused ? undefined : passClaims(deps, { since, sends, claimed: heldRuns.wrote }, start, early);
    // As many heads as groups may be free: those free at the start, and those `left` (if given) says were freed.
    const freeAfter = (left?: readonly GroupLeft[]) => Math.max(1, start.leases.filter((lease, i) => !lease.runId || (left !== undefined && left[i] !== false)).length);
    try {
      // Claims begin once the retries due have joined the queue (ahead of the head read before).
      const retrying = queueDueRetries(deps).then(async (retries) => {
        const asked = freeAfter();
        claims?.open(retries.joined ? { view: await store.viewWithHeads(asked), asked } : undefined);
        return retries;
      });
      // Groups are settled side by side, and the retries due beside them: a pass takes one group's round trips, not the pool's.
      const [left, retries] = await Promise.all([
        Promise.all(
          start.leases.map(async (lease, i): Promise<GroupLeft> => {
            try {
              const settled = await deps.telemetry.span("reconcile.group", { group: lease.group, ...(lease.runId ? { runId: lease.runId } : {}) }, () => settleHeldGroup(start, i));
              if (typeof settled === "object") claims?.freed(settled);
              return settled;
            } catch (error) {
              // One group's trouble (ARM down, a lost race) must not stop the others' reconcile.
              if (!(error instanceof StoreConflict)) deps.logger.warn("reconcile of a group failed", { group: lease.group, err: error });
              return true;
            }
          }),
        ),
        retrying,
      ]);
      await settleOwedLogs(start);
      // Groups freed whose leases this pass does not know: the pool and the heads are read again.
      if (claims && left.some((settled) => settled === true)) {
        const asked = freeAfter(left);
        claims.reread(await store.viewWithHeads(asked), asked);
      }
      const claimed = claims ? await claims.done() : { dispatched: 0, awake: true };
      deps.outbox?.drain();
      const awake = retries.waiting > 0 || claimed.awake;
      await deps.setAwake?.(awake);
      return { dispatched: claimed.dispatched, awake };
    } finally {
      // A pass that failed still ends only after its claims, so passes never overlap.
      await claims?.done().catch(() => undefined);
      for (const send of sends) {
        inFlight.add(send);
        void send.finally(() => inFlight.delete(send));
      }
    }
  };
  return {
    pass: () => deps.telemetry.span("reconcile", {}, pass),
    sending: async () => {
      await Promise.all([...inFlight]);
    },
  };
}

