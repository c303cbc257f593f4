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

/**
 * Hands the queue's heads to the free groups, oldest first, on `first` (read after the pass's
 * ends were recorded) and the heads read beside it: as many heads as groups are free, their runs
 * read side by side, each prepared on a group, and all claims committed together (see
 * `commitClaims`), so a pass's claims cost one read of the queue and one write. A lost race reads
 * both again. A claimed group is left out of the view from then on. Each claimed run is told to
 * `claimed` and its PUT pushed on `sends`.
 */
export async function claimHeads(
  deps: DispatchDeps,
  pass: { since: number; sends: Array<Promise<void>>; claimed: (run: Stored<RunRecord>) => void },
  first: PoolView,
  firstHeads: Head[],
): Promise<Claimed> {
  const { store } = deps;
  const skip = new Set<string>();
  let dispatched = 0;
  let view = first;
  let heads = firstHeads;
  // Whether the queue may hold more than was read.
  let more = heads.length > 0;
  for (let round = 0; round < 100; round += 1) {
    const free = view.leases.filter((lease) => !lease.runId && deps.groups.includes(lease.group) && !skip.has(lease.group));
    if (heads.length < free.length && more) {
      heads = sameHeads(headsOf(store, await store.queueHeads(free.length)), heads);
      more = heads.length === free.length;
    }
    if (heads.length === 0) return { dispatched, awake: dispatched > 0 || view.queued > 0 || view.leases.some((lease) => lease.runId !== undefined) };
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
    if (plan.taken === 0) return { dispatched, awake: true };
    heads = heads.slice(plan.taken);
  }
  return { dispatched, awake: true };
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
