import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import { rowKeys } from "./row-keys.js";
import type { RetryEntry, RunRow } from "./run-store.js";
import { storeCall } from "./table-calls.js";
import { text } from "./table-entities.js";

/**
 * The retries due of one pool's partition (`t|<seq>`): a row per retrying run, written and
 * deleted in the transaction that moves the run into and out of `retrying`, so every replica's
 * pass finds a due retry without reading runs, and a replica that died leaves nothing undone.
 */
export function tableRetries(client: TableClient, pk: string) {
  /** The transaction actions of a run's rows that are not leases. */
  function actions(row: RunRow): TransactionAction[] {
    switch (row.kind) {
      case "dequeue":
        return [["delete", { partitionKey: pk, rowKey: rowKeys.queue(row.seq) }]];
      case "enqueue":
        return [["upsert", { partitionKey: pk, rowKey: rowKeys.queue(row.seq), runId: row.runId }, "Replace"]];
      case "schedule-retry":
        return [["upsert", { partitionKey: pk, rowKey: rowKeys.retry(row.retry.seq), runId: row.retry.runId, retryAt: row.retry.retryAt }, "Replace"]];
      case "unschedule-retry":
        return [["delete", { partitionKey: pk, rowKey: rowKeys.retry(row.seq) }]];
      case "lease":
      case "outbox":
        return [];
    }
  }

  async function retries(): Promise<RetryEntry[]> {
    return storeCall(async () => {
      const [from, to] = rowKeys.retryRange;
      const filter = odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`;
      const entries: RetryEntry[] = [];
      for await (const entity of client.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["rowKey", "runId", "retryAt"] } })) {
        entries.push({ seq: Number(entity.rowKey?.slice(2)), runId: String(entity["runId"]), retryAt: text(entity["retryAt"]) ?? "" });
      }
      return entries;
    });
  }

  return { actions, retries };
}
