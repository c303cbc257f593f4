import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { seedQueuedRuns } from "../../bench/seed-runs.js";
import { storageNames } from "../../service/config-names.js";
import { passClaims } from "../../service/runs/claim-heads.js";
import { headsOf } from "../../service/runs/queue-heads.js";
import type { RunStore } from "../../service/store/run-store.js";
import { eventually, useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, postRun, seedGroups } from "../helpers/service-app.js";
import { freshPartition, testConnectionString, testStore } from "../helpers/store.js";

const arm = useArmEmulator();

describe("a pass's claims as its groups come free", () => {
  it("keeps the queue's order when the pool and the heads are read again while a claim commits", async () => {
    const [g1, g2] = seedGroups(arm.emulator, 2) as [string, string];
    const partition = freshPartition();
    const store = await testStore(partition, [g1, g2]);
    await seedQueuedRuns(TableClient.fromConnectionString(testConnectionString(), storageNames.runsTable, { allowInsecureConnection: true }), partition, 3, Date.now() - 60_000);
    const { dispatch } = await buildApp(arm.emulator, { groups: [g1, g2], store });
    const start = await store.viewWithHeads(1);
    const [h1, h2, h3] = await store.queueHeads(3);

    // The pass began with g2 held; its run ends while the claim of the first head on g1 commits,
    // and the pass reads the pool and the heads again after that commit, before the claim returns.
    let reread: (() => Promise<void>) | undefined;
    const gated: RunStore = {
      ...store,
      commitRuns: async (changes) => {
        const committed = await store.commitRuns(changes);
        const once = reread;
        reread = undefined;
        await once?.();
        return committed;
      },
    };
    const sends: Array<Promise<void>> = [];
    const claims = passClaims({ ...dispatch, store: gated }, { since: dispatch.reads.mark(), sends, claimed: () => undefined }, { ...start, leases: start.leases.map((lease) => (lease.group === g2 ? { ...lease, runId: "ended-meanwhile" } : lease)) }, headsOf(store, start.heads));
    reread = async () => claims.reread(await store.viewWithHeads(2), 2);
    claims.open();
    expect(await claims.done()).toMatchObject({ dispatched: 2 });
    await Promise.all(sends);

    const runs = await Promise.all([h1, h2, h3].map(async (head) => (await store.getRun(head!.runId))!));
    expect(runs.map((run) => [run.status, run.group])).toEqual([
      ["starting", g1],
      ["starting", g2],
      ["queued", undefined],
    ]);
    expect((await store.view()).queued).toBe(1);
  });

  it("claims a group whose run's end the pass recorded on the lease that write answered, reading the pool once", async () => {
    const [group] = seedGroups(arm.emulator, 1) as [string];
    const store = await testStore(freshPartition(), [group]);
    const reads = { views: 0, heads: 0, leases: 0 };
    const counted: RunStore = {
      ...store,
      view: () => ((reads.views += 1), store.view()),
      viewWithHeads: (heads) => ((reads.views += 1), store.viewWithHeads(heads)),
      queueHeads: (top) => ((reads.heads += 1), store.queueHeads(top)),
      getLease: (name) => ((reads.leases += 1), store.getLease(name)),
    };
    const { app, reconcile } = await buildApp(arm.emulator, { groups: [group], store: counted });
    const first = await bodyOf(await postRun(app, { env: { MARK: "first" } }));
    const second = await bodyOf(await postRun(app, { env: { MARK: "second" } }));
    expect([first.status, second.status]).toEqual(["starting", "queued"]);

    const handOver = await eventually(
      async () => {
        Object.assign(reads, { views: 0, heads: 0, leases: 0 });
        return { pass: await reconcile(), reads: { ...reads } };
      },
      ({ pass }) => pass.dispatched > 0,
    );
    expect(handOver.reads).toEqual({ views: 1, heads: 0, leases: 0 });
    expect(await store.getRun(first.id)).toMatchObject({ status: "succeeded" });
    expect(await store.getRun(second.id)).toMatchObject({ status: "starting", group });
  });

  it("observes and records ends while a PUT it sent still waits for ARM's answer, and settles that PUT after", async () => {
    const groups = seedGroups(arm.emulator, 2);
    const { app, reconciler, store } = await buildApp(arm.emulator, { groups });
    const first = await bodyOf(await postRun(app, { env: { MARK: "first" } }));
    const second = await bodyOf(await postRun(app, { env: { MARK: "second" } }));
    const third = await bodyOf(await postRun(app, { env: { MARK: "third" } }));
    expect([first.status, second.status, third.status]).toEqual(["starting", "starting", "queued"]);

    // ARM holds the next PUT (the third run's, on the first group freed) until the checks are done.
    let release = () => {};
    arm.emulator.faults.add({ method: "PUT", until: new Promise<void>((resolve) => (release = resolve)) });
    const putOf = (id: string) => arm.emulator.requests.find((request) => request.method === "PUT" && JSON.stringify(request.body).includes(id));
    const seen = await eventually(
      async () => {
        await reconciler.pass();
        return Promise.all([first.id, second.id, third.id].map(async (id) => (await store.getRun(id))!.status));
      },
      (statuses) => statuses[0] === "succeeded" && statuses[1] === "succeeded" && putOf(third.id) !== undefined,
    );
    expect(seen[2]).toBe("starting");
    expect(putOf(third.id)!.status).toBe(0);

    release();
    await reconciler.sending();
    expect(putOf(third.id)!.status).toBe(200);
    await eventually(
      async () => (await reconciler.pass(), store.getRun(third.id)),
      (run) => run?.status === "succeeded",
    );
  });
});
