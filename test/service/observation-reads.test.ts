import { describe, expect, it } from "vitest";
import { useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, getWithKey, postRun, seedGroups, type TestApp } from "../helpers/service-app.js";
import { testStore } from "../helpers/store.js";

const arm = useArmEmulator();
const longRun = { EMULATOR_RUN_MS: "600000" };
const passes = 5;

/** `replicas` apps on one store with `active` long runs on as many groups; the ARM reads of `passes` passes of each. */
async function observationReads(replicas: number, active: number): Promise<{ reads: number; apps: TestApp[]; ids: string[] }> {
  const groups = seedGroups(arm.emulator, active);
  const store = await testStore(undefined, groups);
  const apps: TestApp[] = [];
  for (let i = 0; i < replicas; i++) apps.push(await buildApp(arm.emulator, { groups, store, statusFromWatch: true }));
  const ids: string[] = [];
  for (let i = 0; i < active; i++) ids.push((await bodyOf(await postRun(apps[0]!.app, { env: longRun }))).id as string);
  arm.emulator.clearRequests();
  for (let pass = 0; pass < passes; pass++) await Promise.all(apps.map((app) => app.reconcile()));
  const reads = arm.emulator.requests.filter((r) => r.method === "GET" && groups.some((group) => r.path.endsWith(`/containerGroups/${group}`))).length;
  return { reads, apps, ids };
}

describe("ARM reads of observation", () => {
  it("reads each active group once per pass whatever the number of replicas", async () => {
    const one = await observationReads(1, 4);
    const three = await observationReads(3, 4);
    expect(one.reads).toBe(4 * passes);
    expect(three.reads).toBeLessThanOrEqual(one.reads * 1.2);
  });

  it("answers callers polling a run's status from the last observation, with no ARM read", async () => {
    const { apps, ids } = await observationReads(2, 2);
    arm.emulator.clearRequests();
    for (const app of apps) {
      for (const id of ids) {
        const res = await getWithKey(app.app, `/runs/${id}`);
        expect((await bodyOf(res)).status).toBe("running");
      }
    }
    expect(arm.emulator.requests.filter((r) => r.method === "GET")).toEqual([]);
  });
});
