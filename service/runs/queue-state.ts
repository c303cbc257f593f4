import { runIdTime } from "../core/run-id.js";
import type { RunStore } from "../store/run-store.js";
import type { QueueState } from "../telemetry/telemetry.js";

/**
 * How deep the queue is and how long its head has waited, from two reads that do not grow with
 * the queue (the pool's counts and the head alone); the head's age comes from its run id's time.
 */
export async function queueState(store: RunStore, now: () => Date): Promise<QueueState> {
  const [view, head] = await Promise.all([store.view(), store.queueHead()]);
  const acceptedAt = head === undefined ? undefined : runIdTime(head.runId);
  return { depth: view.queued, ...(acceptedAt === undefined ? {} : { headAgeMs: Math.max(0, now().getTime() - acceptedAt) }) };
}
