import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTableEndpoint } from "../../bench/connection-string.js";
import { startCountingProxy, type CountingProxy } from "../../bench/counting-proxy.js";
import { seedQueuedRuns } from "../../bench/seed-runs.js";
import { storageNames } from "../../service/config-names.js";
import { rowKeys } from "../../service/store/row-keys.js";
import { StoreConflict } from "../../service/store/store-errors.js";
import { createTableRunStore } from "../../service/store/table-run-store.js";
import { freshPartition, testConnectionString } from "../helpers/store.js";

const groups = ["g-1", "g-2", "g-3", "g-4", "g-5"];
let proxy: CountingProxy;

beforeAll(async () => {
  proxy = await startCountingProxy(new URL(/TableEndpoint=([^;]+)/.exec(testConnectionString())?.[1] ?? "").origin);
});
afterAll(() => proxy.close());

/** A store on a fresh partition whose table requests pass the counting proxy, and a client straight to Azurite. */
async function countedStore(queued: number) {
  const endpoint = new URL(/TableEndpoint=([^;]+)/.exec(testConnectionString())?.[1] ?? "");
  const counted = TableClient.fromConnectionString(withTableEndpoint(testConnectionString(), `${proxy.origin}${endpoint.pathname}`), storageNames.runsTable, { allowInsecureConnection: true });
  const direct = TableClient.fromConnectionString(testConnectionString(), storageNames.runsTable, { allowInsecureConnection: true });
  const partition = freshPartition();
  const store = createTableRunStore({ client: counted, partition });
  await store.prepare(groups);
  if (queued > 0) await seedQueuedRuns(direct, partition, queued, Date.now() - 86_400_000);
  return { store, direct, partition };
}

/** What `operation` cost in table requests and entities read. */
async function cost<T>(operation: () => Promise<T>): Promise<{ result: T; requests: number; entities: number }> {
  const [requests, entities] = [proxy.requests.length, proxy.entitiesRead()];
  const result = await operation();
  return { result, requests: proxy.requests.length - requests, entities: proxy.entitiesRead() - entities };
}

describe("the pool's view and the queue's heads in one read", () => {
  it("reads the leases, the counts and the oldest entries of 10,000 queued in one request of exactly those entities", async () => {
    const { store } = await countedStore(10_000);
    const view = await store.view();
    const oldest = await store.queueHeads(3);
    // The first read learns how many rows the pool has; every later one reads them and the heads in one page.
    await store.viewWithHeads(3);
    const read = await cost(() => store.viewWithHeads(3));
    expect(read.requests).toBe(1);
    expect(read.entities).toBe(groups.length + 2 + 3);
    const { heads, ...rest } = read.result;
    expect(heads).toEqual(oldest);
    expect(heads.map((head) => head.seq)).toEqual([oldest[0]!.seq, oldest[0]!.seq + 1, oldest[0]!.seq + 2]);
    expect(rest).toEqual(view);
    expect(rest.queued).toBe(10_000);
  }, 60_000);

  it("reads the next page when the pool holds more rows than it last did, and answers fewer heads than asked at the queue's end", async () => {
    const { store } = await countedStore(2);
    await store.viewWithHeads(1);
    await store.prepare([...groups, "g-6", "g-7"]);
    const read = await cost(() => store.viewWithHeads(5));
    expect(read.result.leases.map((lease) => lease.group).sort()).toEqual([...groups, "g-6", "g-7"].sort());
    expect(read.result.heads).toHaveLength(2);
    expect(read.result.queued).toBe(2);
  });
});

describe("writes that need no read", () => {
  it("answers a commit with the ETag the store holds, without reading the run back", async () => {
    const { store } = await countedStore(1);
    const [head] = await store.queueHeads(1);
    const run = (await store.getRun(head!.runId))!;
    const committed = await cost(() => store.commitRun(run, { ...run, env: { CHANGED: "1" } }, []));
    expect(committed.requests).toBe(1);
    expect(committed.result.run.etag).toBe((await store.getRun(run.id))!.etag);
    // The answered ETag holds for the next compare-and-set.
    await expect(store.commitRun(committed.result.run, { ...run, env: { CHANGED: "2" } }, [])).resolves.toMatchObject({ run: { env: { CHANGED: "2" } } });
  });

  it("answers the leases a commit claimed or freed with the ETags the store holds, so the next claim needs no read of them", async () => {
    const { store } = await countedStore(2);
    const view = await store.view();
    const [first, second] = await store.queueHeads(2);
    const run = (await store.getRun(first!.runId))!;
    const lease = view.leases.find((l) => l.group === "g-2")!;
    const claimed = await cost(() => store.commitRun(run, { ...run, status: "starting", group: "g-2" }, [{ kind: "dequeue", seq: first!.seq }, { kind: "lease", lease, runId: run.id }]));
    expect(claimed.requests).toBe(1);
    expect(claimed.result.leases).toEqual([{ ...(await store.getLease("g-2"))!, runId: run.id }]);
    const freed = await store.commitRun(claimed.result.run, { ...claimed.result.run, status: "succeeded" }, [{ kind: "lease", lease: claimed.result.leases[0]!, runId: undefined, logOwed: { runId: run.id, attempt: 1 } }]);
    expect(freed.leases).toEqual([await store.getLease("g-2")]);
    expect(freed.leases[0]).toMatchObject({ group: "g-2", logOwed: { runId: run.id, attempt: 1 } });
    expect(freed.leases[0]!.runId).toBeUndefined();
    // The freed lease's answered ETag takes the next claim.
    const next = (await store.getRun(second!.runId))!;
    await expect(store.commitRun(next, { ...next, status: "starting", group: "g-2" }, [{ kind: "dequeue", seq: second!.seq }, { kind: "lease", lease: freed.leases[0]!, runId: next.id }])).resolves.toMatchObject({ run: { status: "starting" } });
  });

  it("counts a run out of the queue on the count its view saw, and reads the count again after another writer moved it", async () => {
    const { store, direct, partition } = await countedStore(3);
    const [first, second] = await store.queueHeads(2);
    await store.view();
    const run = (await store.getRun(first!.runId))!;
    const dequeued = await cost(() => store.commitRun(run, { ...run, status: "canceled" }, [{ kind: "dequeue", seq: first!.seq }]));
    expect(dequeued.requests).toBe(1);
    // Another replica moves the count: the next write fails on it once, then reads it.
    const count = await direct.getEntity<Record<string, unknown>>(partition, rowKeys.dequeued);
    await direct.updateEntity({ partitionKey: partition, rowKey: rowKeys.dequeued, dequeued: Number(count["dequeued"]) }, "Replace", { etag: count.etag });
    const next = (await store.getRun(second!.runId))!;
    await expect(store.commitRun(next, { ...next, status: "canceled" }, [{ kind: "dequeue", seq: second!.seq }])).rejects.toBeInstanceOf(StoreConflict);
    await store.commitRun(next, { ...next, status: "canceled" }, [{ kind: "dequeue", seq: second!.seq }]);
    expect((await store.view()).queued).toBe(1);
  });
});
