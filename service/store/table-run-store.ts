import { odata, RestError, TableClient, type TransactionAction } from "@azure/data-tables";
import { terminalRunStatuses, type RunRecord } from "../core/run.js";
import { openCursor, sealCursor } from "../core/run-cursor.js";
import { rowKeys } from "./row-keys.js";
import { transactionLimits, type CommittedRuns, type GroupLease, type RunChange, type RunRow, type RunStore, type Stored } from "./run-store.js";
import { isAlreadyThere, storeCall, updateAction, type Entity } from "./table-calls.js";
import { leaseEntity, leaseFrom, runEntity, runFrom, text } from "./table-entities.js";
import { tableQueue } from "./table-queue.js";
import { tableOutbox } from "./table-outbox.js";
import { tableRetries } from "./table-retries.js";
import { tableWatches } from "./table-watches.js";
import { tablePoolView } from "./table-pool-view.js";
import { IdempotencyKeyTaken, StoreConflict, StoreUnavailable } from "./store-errors.js";

export interface TableRunStoreOptions {
  client: TableClient;
  /** One pool's partition: every record of one deployment lives in it, so writes can be atomic. */
  partition: string;
}

/** The run store on Azure Table Storage (or Azurite): one partition per pool, one table. */
export function createTableRunStore({ client, partition }: TableRunStoreOptions): RunStore {
  const pk = partition;
  const update = updateAction;
  const queue = tableQueue(client, pk);
  const retryRows = tableRetries(client, pk);
  const outbox = tableOutbox(client, pk);
  const { countersEntity, dequeuedEntity, countDequeued, countQueue } = queue;

  /**
   * Submits one atomic write; answers the ETag the write gave the run's entity, the action at
   * `runAction`, from the transaction's answer, so no read-back is needed.
   */
  async function transact(actions: TransactionAction[], runAction: number, run: RunRecord, keyHash: string | undefined): Promise<Stored<RunRecord>> {
    try {
      const etag = (await queue.submit(actions))?.[runAction];
      if (etag !== undefined) return { ...run, etag };
      // An answer without the ETag: read it back.
      const stored = await getRun(run.id);
      if (!stored) throw new StoreUnavailable(undefined);
      return stored;
    } catch (error) {
      // A transaction that lost to an earlier use of the same idempotency key fails as "exists".
      if (error instanceof StoreConflict && error.reason === "exists" && keyHash !== undefined) {
        const runId = await runForKey(keyHash);
        if (runId !== undefined) throw new IdempotencyKeyTaken(runId);
      }
      throw error;
    }
  }

  async function runForKey(keyHash: string): Promise<string | undefined> {
    try {
      const entity = await client.getEntity(pk, rowKeys.idempotency(keyHash));
      return text(entity["runId"]);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      return storeCall(() => Promise.reject(error));
    }
  }

  async function getRun(id: string): Promise<Stored<RunRecord> | undefined> {
    const rowKey = rowKeys.run(id);
    if (rowKey === undefined) return undefined;
    try {
      return runFrom(await client.getEntity(pk, rowKey));
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      return storeCall(() => Promise.reject(error));
    }
  }

  /** What a lease row writes: the group's lease as it will be stored. */
  const leaseOf = (row: Extract<RunRow, { kind: "lease" }>): GroupLease => ({
    group: row.lease.group,
    ...(row.runId ? { runId: row.runId } : {}),
    ...(row.logOwed ? { logOwed: row.logOwed } : {}),
    ...(row.lease.base ? { base: row.lease.base } : {}),
  });

  const rowActions = (row: RunRow): TransactionAction[] =>
    row.kind === "lease" ? [update(leaseEntity(pk, leaseOf(row)), row.lease.etag)] : row.kind === "outbox" ? [outbox.createAction(row.delivery)] : retryRows.actions(row);

  /**
   * The runs' compare-and-sets come first: a replica that lost a run to another's dispatch or
   * cancel fails on it (a conflict), before the delete of a queue entry that is gone. One count
   * of the runs that left the queue covers them all.
   */
  async function commitRuns(changes: readonly RunChange[]): Promise<CommittedRuns> {
    const rows = changes.flatMap((change) => change.rows);
    const rowsActions = rows.map(rowActions);
    const actions: TransactionAction[] = [
      ...changes.map((change) => update(runEntity(pk, change.next), change.run.etag)),
      ...rowsActions.flat(),
      // A retry joining the queue again is counted as one fewer left: only starts write the counters.
      ...(await countDequeued(rows.filter((row) => row.kind === "dequeue").length - rows.filter((row) => row.kind === "enqueue").length)),
    ];
    const etags = await queue.submit(actions);
    const runs = await Promise.all(
      changes.map(async (change, i) => {
        const etag = etags?.[i];
        if (etag !== undefined) return { ...change.next, etag };
        // An answer without the ETags: read the run back.
        const stored = await getRun(change.next.id);
        if (!stored) throw new StoreUnavailable(undefined);
        return stored;
      }),
    );
    const leases: Stored<GroupLease>[] = [];
    let at = changes.length;
    rows.forEach((row, i) => {
      const etag = etags?.[at];
      if (row.kind === "lease" && etag !== undefined) leases.push({ ...leaseOf(row), etag });
      at += rowsActions[i]!.length;
    });
    return { runs, leases };
  }

  const idempotencyAction = (run: RunRecord): TransactionAction[] =>
    run.idempotencyKeyHash
      ? [["create", { partitionKey: pk, rowKey: rowKeys.idempotency(run.idempotencyKeyHash), runId: run.id }]]
      : [];

  return {
    prepare: async (groups) => {
      try {
        await client.createTable();
      } catch (error) {
        // Already there, or an identity allowed to use the table but not to create tables.
        if (!isAlreadyThere(error) && !(error instanceof RestError && error.statusCode === 403)) await storeCall(() => Promise.reject(error));
      }
      const missing: Entity[] = [countersEntity({ seq: 0, enqueued: 0 }), dequeuedEntity(0), ...groups.map((group) => leaseEntity(pk, { group }))];
      for (const entity of missing) {
        try {
          await client.createEntity(entity);
        } catch (error) {
          if (!isAlreadyThere(error)) await storeCall(() => Promise.reject(error));
        }
      }
      await countQueue();
    },

    ...tablePoolView(client, pk, queue.sawDequeued),

    queueHead: queue.queueHead,
    queueHeads: queue.queueHeads,

    getRun,
    runForKey,
    ...tableWatches(client, pk),

    listRuns: ({ status, limit, cursor }) =>
      storeCall(async () => {
        const [from, to] = rowKeys.runRange;
        const after = cursor === undefined ? undefined : openCursor(cursor);
        if (cursor !== undefined && after === undefined) throw new Error("GET /runs passed an unchecked cursor to the store");
        const start = after !== undefined && after > from ? after : from;
        let filter = odata`PartitionKey eq ${pk} and RowKey gt ${start} and RowKey lt ${to}`;
        if (status) filter += ` and ${odata`status eq ${status}`}`;
        const runs: Stored<RunRecord>[] = [];
        let more = false;
        // Pages of one more than asked: the service's default page is 1,000 entities, and the
        // newest page must cost the same with 100 or 100,000 runs stored.
        pages: for await (const page of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: limit + 1 })) {
          for (const entity of page) {
            if (runs.length === limit) {
              more = true;
              break pages;
            }
            runs.push(runFrom(entity));
          }
        }
        const last = runs.at(-1);
        return { runs, nextCursor: more && last ? sealCursor(rowKeys.run(last.id) ?? "") : null };
      }),

    startOnGroup: async (view, run, lease) => {
      const { counters } = view;
      return transact(
        [
          update(countersEntity({ seq: run.seq, enqueued: counters.enqueued }), counters.etag),
          ["create", runEntity(pk, run)],
          update(leaseEntity(pk, { group: lease.group, runId: run.id, ...(lease.base ? { base: lease.base } : {}) }), lease.etag),
          ...idempotencyAction(run),
        ],
        1,
        run,
        run.idempotencyKeyHash,
      );
    },

    enqueue: async (view, run) => {
      const { counters } = view;
      return transact(
        [
          update(countersEntity({ seq: run.seq, enqueued: counters.enqueued + 1 }), counters.etag),
          ["create", runEntity(pk, run)],
          ["create", { partitionKey: pk, rowKey: rowKeys.queue(run.seq), runId: run.id }],
          ...idempotencyAction(run),
        ],
        1,
        run,
        run.idempotencyKeyHash,
      );
    },

    commitRun: async (run, next, rows) => {
      const { runs, leases } = await commitRuns([{ run, next, rows }]);
      return { run: runs[0]!, leases };
    },
    commitRuns,

    getLease: async (group) => {
      try {
        return leaseFrom(await client.getEntity(pk, rowKeys.lease(group)));
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        return storeCall(() => Promise.reject(error));
      }
    },

    removeQueueEntry: queue.removeQueueEntry,

    retries: retryRows.retries,

    dueDeliveries: outbox.dueDeliveries,
    deliveries: outbox.deliveries,
    replaceDelivery: outbox.replaceDelivery,

    releaseLease: (lease) =>
      storeCall(async () => {
        await client.updateEntity(leaseEntity(pk, { group: lease.group, ...(lease.base ? { base: lease.base } : {}) }), "Replace", { etag: lease.etag });
      }, true),

    pruneRuns: (before) =>
      storeCall(async () => {
        const [, to] = rowKeys.runRange;
        // Only ended runs: a run still queued or active past retention is kept until it ends.
        const ended = terminalRunStatuses.map((status) => odata`status eq ${status}`).join(" or ");
        const filter = `${odata`PartitionKey eq ${pk} and RowKey gt ${rowKeys.runsBefore(before.getTime())} and RowKey lt ${to}`} and (${ended})`;
        let deleted = 0;
        let batch: TransactionAction[] = [];
        const flush = async () => {
          if (batch.length > 0) await client.submitTransaction(batch);
          batch = [];
        };
        for await (const entity of client.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["rowKey", "idempotencyKeyHash", "id"] } })) {
          // A run's events go before or with the run: a prune cut short leaves a run to prune again, never orphan events.
          for (const action of await outbox.deleteActions(String(entity["id"]))) {
            batch.push(action);
            if (batch.length >= transactionLimits.actions - 2) await flush();
          }
          batch.push(["delete", { partitionKey: pk, rowKey: entity.rowKey ?? "" }]);
          const keyHash = text(entity["idempotencyKeyHash"]);
          if (keyHash) batch.push(["delete", { partitionKey: pk, rowKey: rowKeys.idempotency(keyHash) }]);
          deleted += 1;
          if (batch.length >= transactionLimits.actions - 2) await flush();
        }
        await flush();
        return deleted;
      }),
  };
}

