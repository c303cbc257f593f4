import { describe, expect, it } from "vitest";
import { testResourceGroup, testSubscriptionId, useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, defaultJob, getWithKey, postRun, seedGroups } from "../helpers/service-app.js";

const arm = useArmEmulator();

/** Holds a run in Running until the test ends it. */
const longRun = { EMULATOR_RUN_MS: "600000" };
const absent = (label: string) => `absent-${process.pid}-${label}`;

describe("a pool while pulumi up replaces one of its groups", () => {
  it("starts a run on the next group while one is deleted for its replacement", async () => {
    const [present] = seedGroups(arm.emulator);
    const { app } = await buildApp(arm.emulator, { groups: [absent("start"), present!] });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(202);
    expect(await bodyOf(res)).toMatchObject({ status: "starting", group: present });
  });

  it("answers ContainerGroupNotFound when no group of the pool exists, instead of queuing a run that cannot start", async () => {
    const { app, store } = await buildApp(arm.emulator, { groups: [absent("all-1"), absent("all-2")] });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(502);
    expect((await bodyOf(res)).error.code).toBe("ContainerGroupNotFound");
    expect(await store.queueHead()).toBeUndefined();
    expect((await store.view()).queued).toBe(0);
  });

  it("records the run on a replaced group lost, and dispatches the queue to the replacement, passing over a group that is gone", async () => {
    const [replaced] = seedGroups(arm.emulator);
    const { app, reconcile } = await buildApp(arm.emulator, { groups: [absent("reconcile"), replaced!] });
    const active = await bodyOf(await postRun(app, { env: longRun }));
    expect(active.group).toBe(replaced);
    const waiting = await bodyOf(await postRun(app, { env: { NEXT: "1" } }));
    expect(waiting.status).toBe("queued");
    // A read that found the run on its group: from then on, the group speaks for it.
    expect(await reconcile()).toMatchObject({ dispatched: 0 });

    // The replacement's own deployment start: the program's definition, no run id.
    arm.emulator.putGroup(testSubscriptionId, testResourceGroup, replaced!, defaultJob(), { terminated: true });
    arm.emulator.clearRequests();
    expect(await reconcile()).toMatchObject({ dispatched: 1 });

    expect(await bodyOf(await getWithKey(app, `/runs/${active.id}`))).toMatchObject({ status: "lost", message: expect.stringContaining("re-created or restarted") });
    expect(await bodyOf(await getWithKey(app, `/runs/${waiting.id}`))).toMatchObject({ group: replaced, dispatchedAt: expect.any(String) });
    const puts = arm.emulator.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => (r.body as { tags: Record<string, string> }).tags["trigger-run-id"])).toEqual([waiting.id]);
  });
});
