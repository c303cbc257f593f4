import type { TableClient, TransactionAction } from "@azure/data-tables";
import { randomUUID } from "node:crypto";
import { newRunId } from "../service/core/run-id.js";
import { createLogger } from "../service/logger.js";
import { applyTransition } from "../service/runs/apply-transition.js";
import { rowKeys } from "../service/store/row-keys.js";
import { createTableRunStore } from "../service/store/table-run-store.js";
import { noTelemetry } from "../service/telemetry/telemetry.js";
import { runPool } from "./pool.js";

// Azure Tables takes at most 100 operations in one entity group transaction.
const batchSize = 100;
const batchesInFlight = 4;

/**
 * Stores `count` pending webhook deliveries to `url` in `partition`, all due now. The first is
 * written by the service's own writer (a queued run canceled, whose transition writes its
 * `run.canceled` row), so its entity has exactly the layout the store writes; the others are
 * copies of it under ids (and row keys) of their own, inserted 100 per transaction, as if one run
 * had sent that many events. Writing each through a run of its own would take three store calls.
 */
export async function seedDeliveries(client: TableClient, partition: string, url: string, count: number): Promise<void> {
  const store = createTableRunStore({ client, partition });
  await store.prepare([]);
  const view = await store.view();
  const now = new Date();
  const queued = await store.enqueue(view, { id: newRunId(now), status: "queued", env: { BENCH_WEBHOOKS: "seeded" }, createdAt: now.toISOString(), requestHash: "0".repeat(64), seq: view.counters.seq + 1 });
  const writer = { store, logger: createLogger({ level: "error", write: () => {} }), telemetry: noTelemetry, now: () => new Date(), startDeadlineMs: 60_000, webhook: { url } };
  await applyTransition(writer, queued, { kind: "cancel-requested" });
  const [first] = await store.deliveries(queued.id);
  if (!first) throw new Error("the writer stored no webhook event for the seeded run");
  const { etag: _etag, timestamp: _timestamp, ...template } = await client.getEntity<Record<string, unknown>>(partition, rowKeys.delivery(queued.id, first.id));

  const actions: TransactionAction[] = [];
  for (let i = 1; i < count; i++) {
    const id = `msg_${randomUUID()}`;
    actions.push(["create", { ...template, id, partitionKey: partition, rowKey: rowKeys.delivery(queued.id, id) }]);
  }
  await runPool(Math.ceil(actions.length / batchSize), batchesInFlight, async (b) => {
    await client.submitTransaction(actions.slice(b * batchSize, (b + 1) * batchSize));
  });
}
