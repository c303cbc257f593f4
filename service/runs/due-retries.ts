import { StoreConflict } from "../store/store-errors.js";
import { applyTransition } from "./apply-transition.js";
import type { DispatchDeps } from "./dispatch.js";

/**
 * Moves each retry that is due into the queue (at its run's own place: see `retry-due`); a
 * compare-and-set, so of replicas meeting on one retry a single one queues it. Answers how many
 * retries still wait, and whether one joined the queue (ahead of any head read before).
 */
export async function queueDueRetries(deps: DispatchDeps): Promise<{ waiting: number; joined: boolean }> {
  const { store } = deps;
  const retries = await store.retries();
  // A standby run joins the queue again only once its last group is deleted and its slot free.
  const held = deps.standby && retries.length > 0 ? new Set((await store.view()).leases.map((lease) => lease.runId)) : new Set<string | undefined>();
  let waiting = 0;
  let joined = false;
  for (const entry of retries) {
    if (held.has(entry.runId) || Date.parse(entry.retryAt) > deps.now().getTime()) {
      waiting += 1;
      continue;
    }
    const run = await store.getRun(entry.runId);
    if (run === undefined) continue;
    try {
      joined = (await applyTransition(deps, run, { kind: "retry-due" })).effects.length > 0 || joined;
    } catch (error) {
      if (!(error instanceof StoreConflict)) throw error;
    }
  }
  return { waiting, joined };
}
