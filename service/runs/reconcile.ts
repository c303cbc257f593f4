import { carriesRun } from "../core/carried-run.js";
import { attemptOf, isTerminal, type RunRecord } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import { isRunActive } from "../core/status.js";
import type { GroupLease, PoolView, Stored } from "../store/run-store.js";
import { StoreConflict, StoreUnavailable } from "../store/store-errors.js";
import { applyTransition } from "./apply-transition.js";
import { prepareRun, sendRun, stopGroup, type DispatchDeps, type Prepared } from "./dispatch.js";
import type { LogCopier } from "./log-copier.js";
import type { RunService } from "./run-service.js";

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
  // The watches this replica holds, until when (ms): it observes those groups without asking.
  const watching = new Map<string, number>();
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

  /**
   * Observes an active run's group unless another replica's watch of it holds. The watch is
   * taken (compare-and-set) before ARM is read, so replicas whose passes meet read it once, and
   * renewed once half of it is left, so a pass over a watched group costs no store request.
   */
  async function observe(group: string, run: Stored<RunRecord>): Promise<void> {
    const now = deps.now().getTime();
    if ((watching.get(group) ?? 0) - now <= deps.observeLeaseMs / 2) {
      const watch = await store.watch(group);
      if (watch && watch.replica !== deps.replica && Date.parse(watch.until) > now) return;
      const until = now + deps.observeLeaseMs;
      try {
        await store.recordWatch(watch, { group, replica: deps.replica, until: new Date(until).toISOString() });
      } catch (error) {
        ignoreConflict(error);
        return;
      }
      watching.set(group, until);
    }
    await copyLog(group, run, await deps.runs.refresh(run));
  }

  /**
   * The observer copies the run's output: every interval while its attempt runs, and at once
   * when the attempt ended (awaited, so this pass's dispatch finds it done).
   */
  async function copyLog(group: string, before: RunRecord, after: Stored<RunRecord>): Promise<void> {
    const copier = deps.logCopier;
    if (!copier) return;
    if (attemptOf(after) === attemptOf(before) && (after.status === "starting" || after.status === "running")) {
      if (after.confirmedAt !== undefined) copier.copyActive(group, after);
      return;
    }
    await copier.settleOwed(group, { runId: before.id, attempt: attemptOf(before) }, { run: after });
  }

  /** The final copies owed by free groups this replica observed (a canceled run's, one whose observer died). */
  async function settleOwedLogs(view: PoolView): Promise<void> {
    const copier = deps.logCopier;
    if (!copier) return;
    await Promise.all(view.leases.map((lease) => (!lease.runId && lease.logOwed && watching.has(lease.group) ? copier.settleOwed(lease.group, lease.logOwed) : undefined)));
  }

  async function settleHeldGroup(view: PoolView, leaseIndex: number): Promise<void> {
    const lease = view.leases[leaseIndex];
    if (!lease?.runId) return;
    const run = await store.getRun(lease.runId);
    if (run && !isTerminal(run.status) && run.status !== "retrying") {
      await observe(lease.group, run);
      return;
    }
    // The run ended (or vanished, or waits to retry an attempt stopped for its deadline) but still
    // holds the group: a cancel or a deadline records the run first and then stops and frees the
    // group itself, so that is left to it until the start deadline has passed; after that, the
    // replica died, its stop failed, or its PUT was in flight.
    if (!run) {
      await store.releaseLease(lease);
      return;
    }
    if (!past(run.finishedAt)) return;
    const group = await readGroup(lease.group);
    const carried = group !== undefined && carriesRun(group, run, deps.container);
    if (carried && isRunActive(group, deps.container)) await stopGroup(deps, lease.group);
    if (!carried && run.confirmedAt === undefined && !past(run.claimedAt)) return;
    await applyTransition(deps, run, { kind: "stop-confirmed" });
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
   * retries still wait.
   */
  async function queueDueRetries(): Promise<number> {
    const retries = await store.retries();
    let waiting = 0;
    for (const entry of retries) {
      if (Date.parse(entry.retryAt) > deps.now().getTime()) {
        waiting += 1;
        continue;
      }
      const run = await store.getRun(entry.runId);
      if (run === undefined) continue;
      try {
        await applyTransition(deps, run, { kind: "retry-due" });
      } catch (error) {
        ignoreConflict(error);
      }
    }
    return waiting;
  }

  /** Dispatches the queue's head while a group is free; the PUTs go out side by side. */
  async function dispatchHead(since: number): Promise<number> {
    const sends: Array<Promise<void>> = [];
    try {
      return await claimHeads(since, sends);
    } finally {
      await Promise.all(sends);
    }
  }

  async function claimHeads(since: number, sends: Array<Promise<void>>): Promise<number> {
    const busy = new Set<string>();
    let dispatched = 0;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const [view, head] = await Promise.all([store.view(), store.queueHead()]);
      const free = view.leases.filter((lease) => !lease.runId && deps.groups.includes(lease.group) && !busy.has(lease.group));
      if (!head) return dispatched;
      const run = await store.getRun(head.runId);
      if (!run || run.status !== "queued") {
        // An entry whose run is gone (pruned, hand-edited) or moved on without it.
        await store.removeQueueEntry(head.seq);
        continue;
      }
      if (free.length === 0) return dispatched;
      let progressed = false;
      for (const lease of free) {
        const prepared = await prepareOn(lease, run, since);
        if (prepared === undefined || (!prepared.ok && prepared.busy)) {
          busy.add(lease.group);
          continue;
        }
        if (!prepared.ok) {
          if (prepared.refusal.code === "ContainerNotFound") continue;
          await applyTransition(deps, run, { kind: "start-refused", message: `The run cannot start: ${prepared.refusal.code}.` });
          progressed = true;
          break;
        }
        let stored: Stored<RunRecord>;
        try {
          stored = (await applyTransition(deps, run, { kind: "dispatched", group: lease.group }, prepared.lease)).run;
        } catch (error) {
          ignoreConflict(error);
          progressed = true;
          break;
        }
        dispatched += 1;
        progressed = true;
        deps.logger.info("run dispatched", { runId: run.id, group: lease.group });
        // A run that did not start is recorded by sendRun; its error is the caller's, and no caller waits.
        sends.push(
          sendRun(deps, stored, prepared.body).catch((error: unknown) => {
            if (!(error instanceof ServiceError)) deps.logger.warn("dispatch failed", { runId: run.id, group: lease.group, err: error });
          }),
        );
        break;
      }
      if (!progressed) return dispatched;
    }
    return dispatched;
  }

  const pass = async (): Promise<ReconcileResult> => {
    const since = deps.reads.mark();
    const view = await store.view();
    // Groups are settled side by side: a pass takes one group's round trips, not the pool's.
    await Promise.all(
      view.leases.map(async (lease, i) => {
        try {
          await deps.telemetry.span("reconcile.group", { group: lease.group, ...(lease.runId ? { runId: lease.runId } : {}) }, () => settleHeldGroup(view, i));
        } catch (error) {
          // One group's trouble (ARM down, a lost race) must not stop the others' reconcile.
          if (!(error instanceof StoreConflict)) deps.logger.warn("reconcile of a group failed", { group: lease.group, err: error });
        }
      }),
    );
    await settleOwedLogs(view);
    const waiting = await queueDueRetries();
    // A group whose run's end this pass saw is dispatched on the read that saw it.
    const dispatched = await dispatchHead(since);
    deps.outbox?.drain();
    const after = await store.view();
    const awake = waiting > 0 || after.queued > 0 || after.leases.some((lease) => lease.runId !== undefined);
    await deps.setAwake?.(awake);
    return { dispatched, awake };
  };
  return () => deps.telemetry.span("reconcile", {}, pass);
}

function ignoreConflict(error: unknown): void {
  if (!(error instanceof StoreConflict)) throw error;
}
