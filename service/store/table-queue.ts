import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import { rowKeys } from "./row-keys.js";
import type { PoolCounters, QueueEntry, RunStore } from "./run-store.js";
import { StoreConflict } from "./store-errors.js";
import { storeCall, updateAction, type Entity } from "./table-calls.js";

/**
 * The queue of one pool's partition: its entries (`d|queue|<seq>`), read from the head with
 * `$top`, and how many left it (`d|pool|dequeued`); how many joined is on the counters.
 */
export function tableQueue(client: TableClient, pk: string) {
  const countersEntity = (counters: PoolCounters): Entity => ({ partitionKey: pk, rowKey: rowKeys.counters, ...counters });
  const dequeuedEntity = (dequeued: number): Entity => ({ partitionKey: pk, rowKey: rowKeys.dequeued, dequeued });

  // The count of runs that left the queue as this process last saw it (a view, or its own write's
  // answer): a dispatch counts on it without reading it first. A compare-and-set on a count
  // another replica moved fails, forgets it, and the next attempt reads it.
  let seen: { dequeued: number; etag: string } | undefined;

  /** The write that counts `more` runs as left the queue, a compare-and-set on the count as known. */
  async function countDequeued(more: number): Promise<TransactionAction[]> {
    if (more === 0) return [];
    if (seen === undefined) {
      const entity = await storeCall(() => client.getEntity<Record<string, unknown>>(pk, rowKeys.dequeued));
      seen = { dequeued: Number(entity["dequeued"] ?? 0), etag: entity.etag };
    }
    return [updateAction(dequeuedEntity(seen.dequeued + more), seen.etag)];
  }

  /** Learns the count from a transaction's answer (its ETags, in the order of `actions`), or forgets it when the transaction failed. */
  function settled(actions: readonly TransactionAction[], etags: ReadonlyArray<string | undefined> | undefined): void {
    const at = actions.findIndex((action) => action[1].rowKey === rowKeys.dequeued);
    if (at < 0) return;
    const written = actions[at]![1]["dequeued"];
    const etag = etags?.[at];
    seen = etags !== undefined && etag !== undefined && typeof written === "number" ? { dequeued: written, etag } : undefined;
  }

  /**
   * Submits one transaction of the partition and answers the ETag of each action, in their order
   * (a change set answers its operations in order), or undefined when the answer does not match.
   */
  async function submit(actions: TransactionAction[]): Promise<Array<string | undefined> | undefined> {
    const response = await storeCall(() => client.submitTransaction(actions), true).catch((error: unknown) => {
      settled(actions, undefined);
      throw error;
    });
    const etags = response.subResponses.length === actions.length ? response.subResponses.map((answer) => answer.etag) : undefined;
    settled(actions, etags);
    return etags;
  }

  /** The queue entries, oldest first; `top` limits how many are read. */
  async function queueEntries(top?: number): Promise<QueueEntry[]> {
    const [from, to] = rowKeys.queueRange;
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`;
    const entries: QueueEntry[] = [];
    const pages = client.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["rowKey", "runId"] } }).byPage(top ? { maxPageSize: top } : {});
    for await (const page of pages) {
      for (const entity of page) entries.push({ seq: Number(entity.rowKey?.slice(rowKeys.queuePrefix.length)), runId: String(entity["runId"]) });
      if (top !== undefined && entries.length >= top) return entries.slice(0, top);
    }
    return entries;
  }

  /**
   * A store written before the queue's length was counted: counts the entries there are, once,
   * as joined and none left. Compare-and-set, so replicas starting together count once.
   */
  async function countQueue(): Promise<void> {
    const counters = await storeCall(() => client.getEntity<Record<string, unknown>>(pk, rowKeys.counters));
    if (typeof counters["enqueued"] === "number") return;
    const enqueued = (await queueEntries()).length;
    try {
      await storeCall(() => client.updateEntity(countersEntity({ seq: Number(counters["seq"]), enqueued }), "Replace", { etag: counters.etag }), true);
    } catch (error) {
      if (!(error instanceof StoreConflict)) throw error;
    }
  }

  /** Deletes an entry and counts it as left; one another replica removed first is left to it. */
  async function removeQueueEntry(seq: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await submit([["delete", { partitionKey: pk, rowKey: rowKeys.queue(seq) }], ...(await countDequeued(1))]);
        return;
      } catch (error) {
        if (!(error instanceof StoreConflict) || attempt >= 20) throw error;
        // Gone: another replica removed (and counted) it. Else the count moved: count again.
        if ((await queueEntries(1))[0]?.seq !== seq) return;
      }
    }
  }

  return {
    countersEntity,
    dequeuedEntity,
    countDequeued,
    submit,
    /** What a view read of the count. */
    sawDequeued: (dequeued: number, etag: string) => {
      seen = { dequeued, etag };
    },
    countQueue,
    queueHead: (): ReturnType<RunStore["queueHead"]> => storeCall(async () => (await queueEntries(1))[0]),
    queueHeads: (top: number): ReturnType<RunStore["queueHeads"]> => storeCall(() => queueEntries(Math.max(1, top))),
    removeQueueEntry,
  };
}
