import { odata, type TableClient } from "@azure/data-tables";
import { rowKeys } from "./row-keys.js";
import type { GroupLease, PoolView, QueueEntry, RunStore, Stored } from "./run-store.js";
import { StoreUnavailable } from "./store-errors.js";
import { storeCall } from "./table-calls.js";
import { leaseFrom } from "./table-entities.js";

/**
 * The pool's view on Azure Tables: the leases, the counters and the dequeued count, and with
 * `viewWithHeads` the queue's oldest entries too, in the same range read: their row keys follow
 * the pool's (`d|group|…` < `d|pool…` < `d|queue|…`), so pages of the pool's size plus the
 * heads wanted read exactly those, however long the queue.
 */
export function tablePoolView(client: TableClient, pk: string, sawDequeued: (dequeued: number, etag: string) => void): Pick<RunStore, "view" | "viewWithHeads"> {
  // How many rows the pool's range held at the last read: the size of the next one's pages.
  let poolRows = 2;

  async function read(heads: number): Promise<PoolView & { heads: QueueEntry[] }> {
    const from = rowKeys.poolRange[0];
    const to = heads > 0 ? rowKeys.queueRange[1] : rowKeys.poolRange[1];
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`;
    let counters: PoolView["counters"] | undefined;
    let dequeued = 0;
    let rows = 0;
    const leases: Stored<GroupLease>[] = [];
    const entries: QueueEntry[] = [];
    const pages = client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage(heads > 0 ? { maxPageSize: poolRows + heads } : {});
    pages: for await (const page of pages) {
      for (const entity of page) {
        const rowKey = entity.rowKey ?? "";
        if (rowKey.startsWith(rowKeys.queuePrefix)) {
          entries.push({ seq: Number(rowKey.slice(rowKeys.queuePrefix.length)), runId: String(entity["runId"]) });
          if (entries.length >= heads) break pages;
          continue;
        }
        rows += 1;
        if (rowKey === rowKeys.counters) {
          counters = { seq: Number(entity["seq"]), enqueued: Number(entity["enqueued"] ?? 0), etag: entity.etag };
        } else if (rowKey === rowKeys.dequeued) {
          dequeued = Number(entity["dequeued"] ?? 0);
          sawDequeued(dequeued, entity.etag);
        } else if (rowKey.startsWith(rowKeys.leasePrefix)) {
          leases.push(leaseFrom(entity));
        }
      }
    }
    if (!counters) throw new StoreUnavailable(undefined);
    poolRows = rows;
    return { counters, leases, queued: Math.max(0, counters.enqueued - dequeued), heads: entries };
  }

  return {
    view: () =>
      storeCall(async () => {
        const { heads: _, ...view } = await read(0);
        return view;
      }),
    viewWithHeads: (heads) => storeCall(() => read(Math.max(1, heads))),
  };
}
