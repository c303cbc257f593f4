import type { RunRecord } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import type { GroupLease, PoolView, QueueEntry, Stored } from "../store/run-store.js";
import { StoreUnavailable } from "../store/store-errors.js";
import { applyTransition, commitClaims, type Claim } from "./apply-transition.js";
import { prepareRun, sendRun, type DispatchDeps, type Prepared } from "./dispatch.js";
import { headsOf, sameHeads, type Head } from "./queue-heads.js";

export interface Claimed {
  dispatched: number;
  /** whether any run is queued or holds a group once the claims are done */
  awake: boolean;
}

interface ClaimPlan {
  claims: Array<Claim & { prepared: Extract<Prepared, { ok: true }> }>;
  orphans: QueueEntry[];
  refused: Array<{ run: Stored<RunRecord>; code: string }>;
  busy: string[];
  /** the heads settled one way or another */
  taken: number;
}

/** A pass's claims, made as its groups come free. */
export interface PassClaims {
  /** Lets the claims begin, on the pool and the queue's `heads` oldest entries read again when given. */
  open(reread?: { view: PoolView & { heads: QueueEntry[] }; asked: number }): void;
  /** A group this pass freed, its lease as the write that freed it stored it: its claim begins now (once open). */
  freed(lease: Stored<GroupLease>): void;
  /** The pool and the queue's `asked` oldest entries read again, after groups were freed whose leases are not known. */
  reread(view: PoolView & { heads: QueueEntry[] }, asked: number): void;
  /** Resolves once every claim begun is committed (its PUT pushed on `sends`); throws what a claim threw. */
  done(): Promise<Claimed>;
}

/**
 * Hands the queue's heads to the free groups, oldest first, as a pass frees them: a group whose
 * end the pass committed is claimed on the lease that write answered, without reading the pool
 * again, while the pass still reads its other groups. Claims go one round at a time: the groups
 * freed while a round commits are claimed together in the next, so a pass's claims stay few
 * writes. A round takes as many heads as groups are free (reading more only past those read),
 * their runs read side by side, each prepared on a group, and commits every claim at once (see
 * `commitClaims`). A lost race reads both again. A claimed group is left out of the view from then
 * on. Each claimed run is told to `claimed` and its PUT pushed on `sends`.
 */
export function passClaims(
  deps: DispatchDeps,
  pass: { since: number; sends: Array<Promise<void>>; claimed: (run: Stored<RunRecord>) => void },
  first: PoolView,
  firstHeads: Head[],
): PassClaims {
  const { store } = deps;
  const skip = new Set<string>();
  let dispatched = 0;
  let view = first;
  let heads = firstHeads;
  // Whether the queue may hold more than was read.
  let more = heads.length > 0;
  let awake = true;
  let opened = false;
  let running: Promise<void> | undefined;
  let again = false;
  let failure: unknown;

  // The queue entries this pass's claims settled: a read begun before a claim committed still lists them.
  const settled = new Set<number>();

  const reread = (next: PoolView & { heads: QueueEntry[] }, asked: number) => {
    view = next;
    heads = sameHeads(headsOf(store, next.heads.filter((entry) => !settled.has(entry.seq))), heads);
    more = next.heads.length === asked;
  };

  function start(): void {
    if (!opened) return;
    if (running) {
      again = true;
      return;
    }
    running = rounds()
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        running = undefined;
        if (again && failure === undefined) {
          again = false;
          start();
        }
      });
  }

  async function rounds(): Promise<void> {
    for (let round = 0; round < 100; round += 1) {
      const free = view.leases.filter((lease) => !lease.runId && deps.groups.includes(lease.group) && !skip.has(lease.group));
      if (heads.length < free.length && more) {
        heads = sameHeads(headsOf(store, await store.queueHeads(free.length)), heads);
        more = heads.length === free.length;
      }
      if (heads.length === 0) {
        awake = dispatched > 0 || view.queued > 0 || view.leases.some((lease) => lease.runId !== undefined);
        return;
      }
      // With no group free, the head is still looked at: an orphan entry is removed all the same.
      const batch = heads.slice(0, Math.max(1, free.length));
      const runs = await Promise.all(batch.map((head) => head.run()));
      const plan = await planClaims(deps, batch, runs, free, pass.since);
      for (const group of plan.busy) skip.add(group);
      for (const entry of plan.orphans) await store.removeQueueEntry(entry.seq);
      for (const refused of plan.refused) await applyTransition(deps, refused.run, { kind: "start-refused", message: `The run cannot start: ${refused.code}.` });
      const committed = await commitClaims(deps, plan.claims);
      for (const { claim, run } of committed.claimed) {
        pass.claimed(run);
        dispatched += 1;
        skip.add(claim.lease.group);
        pass.sends.push(send(deps, run, claim.prepared));
      }
      if (committed.lost) {
        // Another replica moved a head (or took a group): what was read of both is stale.
        const fresh = await store.viewWithHeads(free.length);
        view = fresh;
        heads = headsOf(store, fresh.heads);
        more = heads.length === free.length;
        continue;
      }
      awake = true;
      if (plan.taken === 0) return;
      // By entry, not by place: the heads may have been read again while this round committed.
      for (const head of batch.slice(0, plan.taken)) settled.add(head.entry.seq);
      heads = heads.filter((head) => !settled.has(head.entry.seq));
    }
  }

  return {
    open: (fresh) => {
      if (fresh) reread(fresh.view, fresh.asked);
      opened = true;
      start();
    },
    freed: (lease) => {
      view = { ...view, leases: view.leases.map((known) => (known.group === lease.group ? lease : known)) };
      start();
    },
    reread: (next, asked) => {
      reread(next, asked);
      start();
    },
    done: async () => {
      while (running) await running;
      if (failure !== undefined) throw failure;
      return { dispatched, awake };
    },
  };
}

/** The PUT of a claimed run. One that did not start is recorded by sendRun; its error is the caller's, and no caller waits. */
function send(deps: DispatchDeps, run: Stored<RunRecord>, prepared: Extract<Prepared, { ok: true }>): Promise<void> {
  deps.logger.info("run dispatched", { runId: run.id, group: prepared.group });
  return sendRun(deps, run, prepared.body).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof ServiceError)) deps.logger.warn("dispatch failed", { runId: run.id, group: prepared.group, err: error });
    },
  );
}

/**
 * Pairs heads with free groups in order: a head whose run is gone or moved on is an orphan
 * entry; a group busy or failing is skipped; a run the groups refuse fails. Stops at the first
 * head no group can take, so claims never pass over an older run.
 */
async function planClaims(deps: DispatchDeps, heads: Head[], runs: Array<Stored<RunRecord> | undefined>, free: Stored<GroupLease>[], since: number): Promise<ClaimPlan> {
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
      const prepared = await prepareOn(deps, lease, run, since);
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

/** Prepares the head's run on `lease`'s group; a group's own failure is logged and skipped. */
async function prepareOn(deps: DispatchDeps, lease: Stored<GroupLease>, run: RunRecord, since: number): Promise<Prepared | undefined> {
  try {
    return await prepareRun(deps, lease, run, since);
  } catch (error) {
    if (!(error instanceof ServiceError) || error instanceof StoreUnavailable) throw error;
    deps.logger.warn("container group failing", { group: lease.group, code: error.code });
    return undefined;
  }
}
