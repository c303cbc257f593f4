import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../service/core/run.js";
import type { RunStore } from "../../service/store/run-store.js";
import { eventually } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, getWithKey, postRun, type TestApp } from "../helpers/service-app.js";
import { useStandbyEmulator } from "../helpers/standby.js";
import { testStore } from "../helpers/store.js";

const arm = useStandbyEmulator(2);
const standby = { slots: 2, profile: "worker", pool: "worker-pool" };
// A retry is due a minute after its attempt failed, by the clock of the replica that recorded the failure.
const runDefaults = { maxRetries: 0, startTimeoutSeconds: 600, retryBackoffSeconds: 60 };

describe("standby slots of a run that retries, across two replicas", () => {
  const runOf = async (store: RunStore, id: string) => (await store.getRun(id)) as RunRecord;
  const slotsOf = async (store: RunStore) => (await store.view()).leases.map((lease) => lease.runId);
  const passUntil = async (replica: TestApp, id: string, done: (run: RunRecord) => boolean) =>
    eventually(async () => {
      await replica.reconcile();
      return runOf(replica.store, id);
    }, done);

  it("keeps the slot of a retry another replica claimed while this one still remembers the failed attempt, and deletes each attempt's group once", async () => {
    const store = await testStore();
    const a = await buildApp(arm.emulator, { store, standby, runDefaults });
    // The second replica's clock is past the retry's backoff: the retry is due for it, not for the first.
    const b = await buildApp(arm.emulator, { store, standby, runDefaults, now: () => new Date(Date.now() + 10 * 60_000) });

    const started = await bodyOf(await postRun(a.app, { env: { EMULATOR_EXIT_CODES: "4,0" }, maxRetries: 1 }));
    const id = String(started.id);
    const first = `run-${id}-1`;
    const second = `run-${id}-2`;
    // The first replica observes the first attempt fail, then settles its slot: its group deleted, the slot freed.
    await passUntil(a, id, (run) => run.status === "retrying");
    await a.reconcile();
    expect(arm.hasGroup(first)).toBe(false);
    expect(await slotsOf(store)).toStrictEqual([undefined, undefined]);

    // The retry is due on the second replica's clock: it claims the second attempt's group.
    await b.reconcile();
    expect(await runOf(store, id)).toMatchObject({ status: "starting", attempt: 2, group: second });
    expect(await slotsOf(store)).toContain(id);

    // The first replica's next pass sees the slot held by the run it last read retrying: that copy
    // is of the failed attempt, so it must not settle (free) the slot of the one that runs now.
    await a.reconcile();
    expect(await slotsOf(store)).toContain(id);
    expect(arm.hasGroup(second)).toBe(true);

    const ended = await passUntil(a, id, (run) => run.status === "succeeded");
    expect(ended).toMatchObject({ status: "succeeded", attempt: 2 });
    await eventually(async () => {
      await Promise.all([a.reconcile(), b.reconcile()]);
      return { slots: await slotsOf(store), second: arm.hasGroup(second) };
    }, (state) => state.slots.every((slot) => slot === undefined) && !state.second);
    const deletes = arm.emulator.requests.filter((r) => r.method === "DELETE" && r.status === 200 && (r.path.endsWith(`/${first}`) || r.path.endsWith(`/${second}`)));
    expect(deletes.map((r) => r.path.split("/").at(-1))).toStrictEqual([first, second]);
    expect(await bodyOf(await getWithKey(b.app, `/runs/${id}`))).toMatchObject({ status: "succeeded", attempt: 2 });
  });

  it("observes a retry on the slot of a replica that last saw its first attempt unconfirmed, not only once that copy is old", async () => {
    const store = await testStore();
    // Watches that outlast the test: a replica's copy of a run would be trusted for 5 minutes.
    const options = { store, standby, runDefaults: { ...runDefaults, retryBackoffSeconds: 0 }, observeLeaseMs: 600_000 };
    const a = await buildApp(arm.emulator, options);
    const b = await buildApp(arm.emulator, options);
    const long = { env: { EMULATOR_RUN_MS: "600000" } };
    const x = String((await bodyOf(await postRun(a.app, long))).id);
    const y = String((await bodyOf(await postRun(a.app, long))).id);
    const id = String((await bodyOf(await postRun(a.app, { env: { EMULATOR_EXIT_CODES: "4,0" }, maxRetries: 1 }))).id);
    expect((await runOf(store, id)).status).toBe("queued");

    // The first replica watches x's slot, settles canceled y's, and claims the run's first attempt there:
    // its copy of the run is the claim's, not yet confirmed.
    await b.app.request(`/runs/${y}/cancel`, { method: "POST", headers: auth });
    await a.reconcile();
    expect(await runOf(store, id)).toMatchObject({ status: "starting", group: `run-${id}-1` });
    // The second replica frees canceled x's slot, observes the first attempt fail, and claims the second on x's old slot.
    await b.app.request(`/runs/${x}/cancel`, { method: "POST", headers: auth });
    await passUntil(b, id, (run) => run.attempt === 2 && run.status !== "retrying");
    expect((await store.view()).leases.map((lease) => lease.runId)).toStrictEqual([id, undefined]);

    // The first replica still watches that slot: it must observe the second attempt, not its copy of the first.
    const ended = await eventually(async () => {
      await a.reconcile();
      await b.reconcile();
      return runOf(store, id);
    }, (run) => run.status === "succeeded", 60_000);
    expect(ended).toMatchObject({ status: "succeeded", attempt: 2 });
  }, 90_000);
});
