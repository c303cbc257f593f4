import { odata, RestError, TableClient, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { BaseEnv } from "../core/base-env.js";
import { runStatuses, terminalRunStatuses, type RunRecord, type RunStatus } from "../core/run.js";
import { joinText, splitText } from "./entity-fields.js";
import { rowKeys } from "./row-keys.js";
import type { GroupLease, PoolCounters, PoolView, QueueEntry, RunPage, RunStore, Stored } from "./run-store.js";
import { ServiceError } from "../core/service-error.js";
import { tableWatches } from "./table-watches.js";
import { IdempotencyKeyTaken, StoreConflict, StoreUnavailable } from "./store-errors.js";

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

export interface TableRunStoreOptions {
  client: TableClient;
  /** One pool's partition: every record of one deployment lives in it, so writes can be atomic. */
  partition: string;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function runEntity(partition: string, run: RunRecord): Entity {
  const rowKey = rowKeys.run(run.id);
  if (rowKey === undefined) throw new Error("run ids must be UUIDv7");
  return {
    partitionKey: partition,
    rowKey,
    id: run.id,
    status: run.status,
    seq: run.seq,
    createdAt: run.createdAt,
    requestHash: run.requestHash,
    ...splitText("env", JSON.stringify(run.env)),
    ...(run.command ? splitText("command", JSON.stringify(run.command)) : {}),
    ...(run.group ? { group: run.group } : {}),
    ...(run.image ? { image: run.image } : {}),
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
    ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
    ...(run.message ? { message: run.message } : {}),
    ...(run.startedBy ? { startedBy: run.startedBy } : {}),
    ...(run.idempotencyKeyHash ? { idempotencyKeyHash: run.idempotencyKeyHash } : {}),
    ...(run.claimedAt ? { claimedAt: run.claimedAt } : {}),
    ...(run.confirmedAt ? { confirmedAt: run.confirmedAt } : {}),
  };
}

function runFrom(entity: TableEntityResult<Record<string, unknown>>): Stored<RunRecord> {
  const status = String(entity["status"]);
  // Runs written before commands were split keep theirs in one `command` property.
  const command = joinText(entity, "command") ?? text(entity["command"]);
  const exitCode = entity["exitCode"];
  const optional = (name: keyof RunRecord) => (text(entity[name]) ? { [name]: text(entity[name]) } : {});
  return {
    id: String(entity["id"]),
    status: (runStatuses as readonly string[]).includes(status) ? (status as RunStatus) : "lost",
    seq: Number(entity["seq"]),
    createdAt: String(entity["createdAt"]),
    requestHash: String(entity["requestHash"]),
    env: JSON.parse(joinText(entity, "env") ?? "{}") as Record<string, string>,
    ...(command ? { command: JSON.parse(command) as string[] } : {}),
    ...(typeof exitCode === "number" ? { exitCode } : {}),
    ...optional("group"),
    ...optional("image"),
    ...optional("startedAt"),
    ...optional("finishedAt"),
    ...optional("message"),
    ...optional("startedBy"),
    ...optional("idempotencyKeyHash"),
    ...optional("claimedAt"),
    ...optional("confirmedAt"),
    etag: entity.etag,
  };
}

function leaseEntity(partition: string, lease: GroupLease): Entity {
  return {
    partitionKey: partition,
    rowKey: rowKeys.lease(lease.group),
    group: lease.group,
    runId: lease.runId ?? "",
    ...(lease.base ? splitText("base", JSON.stringify(lease.base)) : {}),
  };
}

function leaseFrom(entity: TableEntityResult<Record<string, unknown>>): Stored<GroupLease> {
  const runId = text(entity["runId"]);
  const base = joinText(entity, "base");
  return {
    group: String(entity["group"]),
    ...(runId ? { runId } : {}),
    ...(base ? { base: JSON.parse(base) as BaseEnv } : {}),
    etag: entity.etag,
  };
}

/**
 * Maps the Tables service's answers to the store's own errors; nothing else leaves this module.
 * `RestError` comes from @azure/data-tables itself, the class its own pipeline throws, so store/
 * needs no import of the ARM pipeline package.
 */
async function storeCall<T>(operation: () => Promise<T>, write = false): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof RestError) {
      if (error.statusCode === 412) throw new StoreConflict("changed");
      if (error.statusCode === 409) throw new StoreConflict("exists");
      // The entity outgrew what a table holds: the request's size, not the store, is at fault.
      if (error.statusCode === 413) throw new ServiceError("PayloadTooLarge", "The run is too large for the run store to keep.");
      // A write's row (a queue entry) removed by another replica first: a lost race, not an outage.
      if (error.statusCode === 404 && write) throw new StoreConflict("changed");
      throw new StoreUnavailable(error.statusCode);
    }
    throw error;
  }
}

function isAlreadyThere(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 409;
}

/** The run store on Azure Table Storage (or Azurite): one partition per pool, one table. */
export function createTableRunStore({ client, partition }: TableRunStoreOptions): RunStore {
  const pk = partition;
  const update = (entity: Entity, etag: string): TransactionAction => ["update", entity, "Replace", { etag }];
  const countersEntity = (counters: PoolCounters): Entity => ({ partitionKey: pk, rowKey: rowKeys.counters, ...counters });
  const dequeuedEntity = (dequeued: number): Entity => ({ partitionKey: pk, rowKey: rowKeys.dequeued, dequeued });

  /** The write that counts `more` runs as left the queue, a compare-and-set on the count as read. */
  async function countDequeued(more: number): Promise<TransactionAction[]> {
    if (more === 0) return [];
    const entity = await storeCall(() => client.getEntity<Record<string, unknown>>(pk, rowKeys.dequeued));
    return [update(dequeuedEntity(Number(entity["dequeued"] ?? 0) + more), entity.etag)];
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

  /** Submits one atomic write; answers the ETag the write gave the run's entity. */
  async function transact(actions: TransactionAction[], run: RunRecord, keyHash: string | undefined): Promise<Stored<RunRecord>> {
    try {
      const response = await storeCall(() => client.submitTransaction(actions), true);
      const etag = response.getResponseForEntity(rowKeys.run(run.id) ?? "")?.etag;
      if (etag !== undefined) return { ...run, etag };
      // Azurite answers no ETag for an update inside a transaction (Azure does): read it back.
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

    view: () =>
      storeCall(async () => {
        const [from, to] = rowKeys.poolRange;
        const filter = odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`;
        let counters: PoolView["counters"] | undefined;
        let dequeued = 0;
        const leases: Stored<GroupLease>[] = [];
        for await (const entity of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
          if (entity.rowKey === rowKeys.counters) {
            counters = { seq: Number(entity["seq"]), enqueued: Number(entity["enqueued"] ?? 0), etag: entity.etag };
          } else if (entity.rowKey === rowKeys.dequeued) {
            dequeued = Number(entity["dequeued"] ?? 0);
          } else if (entity.rowKey?.startsWith(rowKeys.leasePrefix)) {
            leases.push(leaseFrom(entity));
          }
        }
        if (!counters) throw new StoreUnavailable(undefined);
        return { counters, leases, queued: Math.max(0, counters.enqueued - dequeued) };
      }),

    queueHead: () => storeCall(async () => (await queueEntries(1))[0]),

    getRun,
    runForKey,
    ...tableWatches(client, pk),

    listRuns: ({ status, limit, cursor }) =>
      storeCall(async () => {
        const [from, to] = rowKeys.runRange;
        const after = cursor === undefined ? undefined : Buffer.from(cursor, "base64url").toString("utf8");
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
        return { runs, nextCursor: more && last ? Buffer.from(rowKeys.run(last.id) ?? "", "utf8").toString("base64url") : null };
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
        run,
        run.idempotencyKeyHash,
      );
    },

    // The run's compare-and-set comes first: a replica that lost the run to another's dispatch or
    // cancel fails on it (a conflict), before the delete of the queue entry that is gone.
    commitRun: async (run, next, rows) =>
      transact(
        [
          update(runEntity(pk, next), run.etag),
          ...rows.map((row): TransactionAction =>
            row.kind === "dequeue"
              ? ["delete", { partitionKey: pk, rowKey: rowKeys.queue(row.seq) }]
              : update(leaseEntity(pk, { group: row.lease.group, ...(row.runId ? { runId: row.runId } : {}), ...(row.lease.base ? { base: row.lease.base } : {}) }), row.lease.etag),
          ),
          ...(await countDequeued(rows.filter((row) => row.kind === "dequeue").length)),
        ],
        next,
        undefined,
      ),

    getLease: async (group) => {
      try {
        return leaseFrom(await client.getEntity(pk, rowKeys.lease(group)));
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        return storeCall(() => Promise.reject(error));
      }
    },

    removeQueueEntry: async (seq) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await storeCall(async () => client.submitTransaction([["delete", { partitionKey: pk, rowKey: rowKeys.queue(seq) }], ...(await countDequeued(1))]), true);
          return;
        } catch (error) {
          if (!(error instanceof StoreConflict) || attempt >= 20) throw error;
          // Gone: another replica removed (and counted) it. Else the count moved: count again.
          if ((await queueEntries(1))[0]?.seq !== seq) return;
        }
      }
    },

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
        for await (const entity of client.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["rowKey", "idempotencyKeyHash"] } })) {
          batch.push(["delete", { partitionKey: pk, rowKey: entity.rowKey ?? "" }]);
          const keyHash = text(entity["idempotencyKeyHash"]);
          if (keyHash) batch.push(["delete", { partitionKey: pk, rowKey: rowKeys.idempotency(keyHash) }]);
          deleted += 1;
          if (batch.length >= 98) await flush();
        }
        await flush();
        return deleted;
      }),
  };
}
