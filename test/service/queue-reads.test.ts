import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { seedQueuedRuns } from "../../bench/seed-runs.js";
import { storageNames } from "../../service/config-names.js";
import { rowKeys } from "../../service/store/row-keys.js";
import { createTableRunStore } from "../../service/store/table-run-store.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { buildApp, seedGroups } from "../helpers/service-app.js";
import { countedTableClient, freshPartition, testConnectionString } from "../helpers/store.js";

const arm = useArmEmulator();

/**
 * The table requests of one reconcile pass that dispatches the head of `queued` waiting runs to
 * the pool's one free group, counted through a proxy in front of Azurite; and the queue's length
 * as a start reads it.
 */
async function dispatchCost(queued: number): Promise<{ requests: number; length: number; dispatchedSeq: number }> {
  const { client, proxy } = await countedTableClient();
  try {
    const partition = freshPartition();
    const groups = seedGroups(arm.emulator, 1);
    const store = createTableRunStore({ client, partition });
    await store.prepare(groups);
    await seedQueuedRuns(client, partition, queued, Date.now() - 86_400_000);
    const { reconcile } = await buildApp(arm.emulator, { groups, store });
    const head = await store.queueHead();
    const before = proxy.requests.length;
    expect((await reconcile()).dispatched).toBe(1);
    const requests = proxy.requests.length - before;
    const run = await store.getRun(head?.runId ?? "");
    expect(run?.status).toBe("starting");
    return { requests, length: (await store.view()).queued, dispatchedSeq: run?.seq ?? 0 };
  } finally {
    await proxy.close();
  }
}

describe("reads that do not grow with the queue", () => {
  it("dispatches the head of 10,000 queued runs with the table requests of 10, and counts the queue without reading it", async () => {
    const few = await dispatchCost(10);
    const many = await dispatchCost(10_000);
    expect(few.length).toBe(9);
    expect(many.length).toBe(9_999);
    expect(many.requests).toBeLessThanOrEqual(few.requests * 1.2);
  }, 60_000);

  it("counts the queue of a store written before its length was kept, once, when a replica prepares it", async () => {
    const client = TableClient.fromConnectionString(testConnectionString(), storageNames.runsTable, { allowInsecureConnection: true });
    const partition = freshPartition();
    const store = createTableRunStore({ client, partition });
    await store.prepare(["g-1"]);
    await seedQueuedRuns(client, partition, 25, Date.now() - 86_400_000);
    const counters = await client.getEntity<Record<string, unknown>>(partition, rowKeys.counters);
    await client.updateEntity({ partitionKey: partition, rowKey: rowKeys.counters, seq: counters["seq"] }, "Replace");
    await client.deleteEntity(partition, rowKeys.dequeued);

    await Promise.all([store.prepare(["g-1"]), createTableRunStore({ client, partition }).prepare(["g-1"])]);
    expect((await store.view()).queued).toBe(25);
  });
});
