import { TableClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { storageNames } from "../../service/config-names.js";
import { newRunId } from "../../service/core/run-id.js";
import { rowKeys } from "../../service/store/row-keys.js";
import type { RunStore } from "../../service/store/run-store.js";
import { StoreConflict } from "../../service/store/store-errors.js";
import { createWakeQueue } from "../../service/store/wake-queue.js";
import { eventually, testResourceGroup, testSubscriptionId, useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, defaultJob, getWithKey, postRun, seedGroups } from "../helpers/service-app.js";
import { freshPartition, testConnectionString, testStore } from "../helpers/store.js";

const arm = useArmEmulator();
const longRun = { EMULATOR_RUN_MS: "600000" };

async function enqueue(store: RunStore) {
  const view = await store.view();
  const now = new Date();
  return store.enqueue(view, { id: newRunId(now), status: "queued", env: {}, createdAt: now.toISOString(), requestHash: "a".repeat(64), seq: view.counters.seq + 1 });
}

describe("no stuck state", () => {
  it("ends a run whose group was deleted as lost, frees the group, and dispatches to it only once it exists again", async () => {
    const groups = seedGroups(arm.emulator, 2);
    const built = await buildApp(arm.emulator, { groups, startDeadlineMs: 0 });
    const { app, store, reconcile } = built;
    const first = await bodyOf(await postRun(app, { env: longRun }));
    const second = await bodyOf(await postRun(app, { env: longRun }));
    expect([first.group, second.group]).toEqual(groups);
    await eventually(async () => bodyOf(await getWithKey(app, `/runs/${first.id}`)), (r) => r.status === "running");
    await arm.client.containerGroups.beginDeleteAndWait(testResourceGroup, groups[0]!);

    const res = await getWithKey(app, `/runs/${first.id}`);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ status: "lost", message: expect.stringContaining("deleted") });
    expect((await store.getLease(groups[0]!))?.runId).toBeUndefined();
    const cancel = await app.request(`/runs/${first.id}/cancel`, { method: "POST", headers: auth });
    expect((await bodyOf(cancel)).error.code).toBe("RunNotActive");

    // The only free group is missing: the next run waits in the queue, and passes skip the group.
    const third = await bodyOf(await postRun(app, { env: {} }));
    expect(third.status).toBe("queued");
    expect((await reconcile()).dispatched).toBe(0);
    expect(built.lines().filter((line) => line["msg"] === "reconcile of a group failed")).toEqual([]);
    arm.emulator.putGroup(testSubscriptionId, testResourceGroup, groups[0]!, defaultJob(), { terminated: true });
    expect((await reconcile()).dispatched).toBe(1);
    expect(await bodyOf(await getWithKey(app, `/runs/${third.id}`))).toMatchObject({ group: groups[0] });
  });

  it("keeps dispatching on the rest of the pool while one group answers 403, and says which group fails", async () => {
    const groups = seedGroups(arm.emulator, 3);
    const { app, lines, readiness } = await buildApp(arm.emulator, { groups });
    arm.emulator.faults.add({ status: 403, code: "AuthorizationFailed", method: "GET", path: groups[0], count: 1000 });
    try {
      const started = await Promise.all([0, 1].map(async () => bodyOf(await postRun(app, { env: longRun }))));
      expect(started.map((run) => run.status)).toEqual(["starting", "starting"]);
      expect(started.map((run) => run.group).sort()).toEqual([groups[1], groups[2]].sort());
      expect(lines().some((line) => line["msg"] === "container group failing" && line["group"] === groups[0] && line["code"] === "ArmAccessDenied")).toBe(true);
      const ready = await readiness();
      expect(ready.checks.arm).toBe("failed");
      expect(ready.problems).toContainEqual({ check: "arm", message: expect.stringContaining(groups[0]!) });
    } finally {
      arm.emulator.faults.clear();
    }
  });

  it("removes an orphan queue entry, and never prunes a queued or active run", async () => {
    const partition = freshPartition();
    const groups = seedGroups(arm.emulator, 1);
    const store = await testStore(partition, groups);
    const { app, reconcile } = await buildApp(arm.emulator, { groups, store });
    const active = await bodyOf(await postRun(app, { env: longRun }));
    const queued = await bodyOf(await postRun(app, { env: {} }));
    const orphan = await enqueue(store);
    const client = TableClient.fromConnectionString(testConnectionString(), storageNames.runsTable, { allowInsecureConnection: true });
    await client.deleteEntity(partition, rowKeys.run(orphan.id)!);

    expect(await store.pruneRuns(new Date(Date.now() + 86_400_000))).toBe(0);
    expect((await store.getRun(active.id))?.status).toBe("starting");
    expect((await store.getRun(queued.id))?.status).toBe("queued");

    await app.request(`/runs/${queued.id}/cancel`, { method: "POST", headers: auth });
    await reconcile();
    expect(await store.queueHead()).toBeUndefined();
    expect((await store.view()).queued).toBe(0);
    expect(await store.pruneRuns(new Date(Date.now() + 86_400_000))).toBe(1);
  });

  it("reports a queue entry already removed by another replica as a lost race, not an outage", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const run = await enqueue(store);
    await store.removeQueueEntry(run.seq);
    await store.removeQueueEntry(run.seq);
    await expect(store.commitRun(run, { ...run, status: "canceled" }, [{ kind: "dequeue", seq: run.seq }])).rejects.toBeInstanceOf(StoreConflict);
  });

  it("keeps the wake signal when one replica clears the queue while another accepts a run", async () => {
    const client = new QueueClient(testConnectionString(), `wake-${randomUUID()}`.slice(0, 40));
    const a = createWakeQueue(client);
    const b = createWakeQueue(new QueueClient(testConnectionString(), client.name));
    await a(true);
    await b(true);
    await a(false);
    await b(true);
    expect((await client.peekMessages({ numberOfMessages: 1 })).peekedMessageItems).toHaveLength(1);
    await b(false);
    expect((await client.peekMessages({ numberOfMessages: 1 })).peekedMessageItems).toHaveLength(0);
  });
});
