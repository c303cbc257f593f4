import { describe, expect, it } from "vitest";
import { newRunId } from "../../service/core/run-id.js";
import type { RunRecord } from "../../service/core/run.js";
import type { GroupLease, RunRow, RunStore, Stored } from "../../service/store/run-store.js";
import { StoreConflict } from "../../service/store/store-errors.js";
import { testStore } from "../helpers/store.js";

/** Accepts a run into the queue as a start does: the acceptance counter moves. */
async function enqueue(store: RunStore): Promise<RunRecord & { etag: string }> {
  const view = await store.view();
  const now = new Date();
  return store.enqueue(view, { id: newRunId(now), status: "queued", env: {}, createdAt: now.toISOString(), requestHash: "a".repeat(64), seq: view.counters.seq + 1 });
}

/** The rows of a dispatch: the run's queue entry deleted, the lease set to the run. */
function claim(run: RunRecord, lease: Stored<GroupLease>): RunRow[] {
  return [{ kind: "dequeue", seq: run.seq }, { kind: "lease", lease, runId: run.id }];
}

describe("the run store under a burst of starts", () => {
  it("dispatches the queue's head although starts were accepted after the view it decided on", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const head = await enqueue(store);
    const view = await store.view();
    await enqueue(store);
    await enqueue(store);

    const lease = view.leases[0]!;
    const claimed = await store.commitRun(head, { ...head, status: "starting", group: "g-1", claimedAt: new Date().toISOString() }, claim(head, lease));
    expect(claimed.run.status).toBe("starting");
    const after = await store.view();
    expect((await store.queueHead())?.runId).not.toBe(head.id);
    expect(after.queued).toBe(2);
    expect(after.leases[0]!.runId).toBe(head.id);
  });

  it("cancels a queued run while starts come in, and lets one replica only take a run or a group", async () => {
    const store = await testStore(undefined, ["g-1", "g-2"]);
    const first = await enqueue(store);
    const second = await enqueue(store);
    const view = await store.view();
    await enqueue(store);

    await store.commitRun(second, { ...second, status: "canceled", finishedAt: new Date().toISOString() }, [{ kind: "dequeue", seq: second.seq }]);
    expect((await store.view()).queued).toBe(2);

    const [g1, g2] = view.leases;
    await store.commitRun(first, { ...first, status: "starting", group: "g-1" }, claim(first, g1!));
    // The same run again, onto the other group: it moved on, so the write loses.
    await expect(store.commitRun(first, { ...first, status: "starting", group: "g-2" }, claim(first, g2!))).rejects.toBeInstanceOf(StoreConflict);
    // Another run onto the group just taken: the lease moved on, so the write loses.
    const third = (await store.queueHead())!;
    const run = (await store.getRun(third.runId))!;
    await expect(store.commitRun(run, { ...run, status: "starting", group: "g-1" }, claim(run, g1!))).rejects.toBeInstanceOf(StoreConflict);
  });
});
