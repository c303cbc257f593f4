import type { TableClient, TransactionAction } from "@azure/data-tables";
import { newRunId } from "../service/core/run-id.js";
import type { RunRecord } from "../service/core/run.js";
import { rowKeys } from "../service/store/row-keys.js";
import { createTableRunStore } from "../service/store/table-run-store.js";
import { runPool } from "./pool.js";

// Azure Tables takes at most 100 operations in one entity group transaction.
const batchSize = 100;
const batchesInFlight = 4;
// Seeded runs are this far apart, so each has a millisecond (and a row key) of its own.
const spacingMs = 1_000;

/**
 * Stores `count` ended runs of `group` in `partition`, the newest created at `newestMs`. The
 * first is written through the run store's own API (started on the group, then ended and the
 * group freed), so its entity has exactly the layout the store writes; the others are copies of
 * that entity, each older by `spacingMs`, with the run's own id, row key (from the store's
 * `rowKeys`), sequence number and times, inserted 100 per transaction. Writing 10,000 runs
 * through the API would take 5 store calls each.
 */
export async function seedEndedRuns(client: TableClient, partition: string, group: string, count: number, newestMs: number): Promise<void> {
  const store = createTableRunStore({ client, partition });
  await store.prepare([group]);
  const iso = (ms: number) => new Date(ms).toISOString();
  const accepted = (ms: number) => ({ createdAt: iso(ms), claimedAt: iso(ms) });
  const ended = (ms: number) => ({ startedAt: iso(ms), confirmedAt: iso(ms), finishedAt: iso(ms + 50) });
  const view = await store.view();
  const lease = view.leases.find((l) => l.group === group);
  if (!lease) throw new Error(`the store prepared no lease for ${group}`);
  const record: RunRecord = {
    id: newRunId(new Date(newestMs)),
    status: "starting",
    group,
    env: { BENCH_HISTORY: "seeded" },
    requestHash: "0".repeat(64),
    seq: view.counters.seq + 1,
    ...accepted(newestMs),
  };
  const started = await store.startOnGroup(view, record, lease);
  const held = await store.getLease(group);
  await store.commitRun(started, { ...record, ...ended(newestMs), status: "succeeded", exitCode: 0 }, held ? [{ kind: "lease", lease: held, runId: undefined }] : []);

  const templateKey = rowKeys.run(record.id);
  if (templateKey === undefined) throw new Error("the seeded run has no row key");
  const { etag: _etag, timestamp: _timestamp, ...template } = await client.getEntity<Record<string, unknown>>(partition, templateKey);

  const actions: TransactionAction[] = [];
  for (let i = 1; i < count; i++) {
    const ms = newestMs - i * spacingMs;
    const id = newRunId(new Date(ms));
    const rowKey = rowKeys.run(id);
    if (rowKey === undefined) throw new Error("a seeded run has no row key");
    // Older runs were accepted earlier: their sequence numbers count down from the first's.
    const own = { id, seq: record.seq - i, ...accepted(ms), ...ended(ms) } satisfies Partial<RunRecord>;
    actions.push(["create", { ...template, ...own, partitionKey: partition, rowKey }]);
  }
  const batches = Math.ceil(actions.length / batchSize);
  await runPool(batches, batchesInFlight, async (b) => {
    await client.submitTransaction(actions.slice(b * batchSize, (b + 1) * batchSize));
  });
}

/**
 * Queues `count` runs in `partition`, oldest first, as starts past a busy pool would. The first
 * goes through the run store's own `enqueue`, so its entity and queue entry have the store's
 * layout; the others are copies (their own id, row key, sequence number and time) inserted 100
 * entities per transaction, and the counters then count them as joined, as `enqueue` would have.
 */
export async function seedQueuedRuns(client: TableClient, partition: string, count: number, oldestMs: number, env: Record<string, string> = { BENCH_QUEUE: "seeded" }): Promise<void> {
  const store = createTableRunStore({ client, partition });
  const view = await store.view();
  const first = await store.enqueue(view, {
    id: newRunId(new Date(oldestMs)),
    status: "queued",
    env,
    createdAt: new Date(oldestMs).toISOString(),
    requestHash: "0".repeat(64),
    seq: view.counters.seq + 1,
  });
  const { etag: _etag, timestamp: _timestamp, ...template } = await client.getEntity<Record<string, unknown>>(partition, rowKeys.run(first.id) ?? "");
  const actions: TransactionAction[] = [];
  for (let i = 1; i < count; i++) {
    const ms = oldestMs + i * spacingMs;
    const id = newRunId(new Date(ms));
    const seq = first.seq + i;
    actions.push(["create", { ...template, id, seq, createdAt: new Date(ms).toISOString(), partitionKey: partition, rowKey: rowKeys.run(id) ?? "" }]);
    actions.push(["create", { partitionKey: partition, rowKey: rowKeys.queue(seq), runId: id }]);
  }
  await runPool(Math.ceil(actions.length / batchSize), batchesInFlight, async (b) => {
    await client.submitTransaction(actions.slice(b * batchSize, (b + 1) * batchSize));
  });
  const counters = await client.getEntity<Record<string, unknown>>(partition, rowKeys.counters);
  const seq = first.seq + count - 1;
  await client.updateEntity({ partitionKey: partition, rowKey: rowKeys.counters, seq, enqueued: Number(counters["enqueued"]) + count - 1 }, "Replace", { etag: counters.etag });
}
