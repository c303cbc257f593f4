import { describe, expect, it } from "vitest";
import { runIdTagName } from "../../service/core/carried-run.js";
import { eventually, testResourceGroup, useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, getWithKey, postRun, seedGroups } from "../helpers/service-app.js";

const arm = useArmEmulator();
const longRun = { EMULATOR_RUN_MS: "600000" };

describe("ARM reads of dispatch", () => {
  it("reads each group about once when starts race for a pool, not once per contender and round", async () => {
    const groups = seedGroups(arm.emulator, 10);
    const { app } = await buildApp(arm.emulator, { groups });
    arm.emulator.clearRequests();
    const started = await Promise.all(groups.map(async () => bodyOf(await postRun(app, { env: longRun }))));
    expect(new Set(started.map((run) => run.group)).size).toBe(groups.length);
    const reads = arm.emulator.requests.filter((r) => r.method === "GET").length;
    expect(reads).toBeLessThanOrEqual(2 * groups.length);
  });

  it("hands a group to the queue's head in the pass that sees its run end, on the read that saw it", async () => {
    const groups = seedGroups(arm.emulator, 1);
    const { app, reconcile } = await buildApp(arm.emulator, { groups });
    const first = await bodyOf(await postRun(app, { env: {} }));
    const next = await bodyOf(await postRun(app, { env: {} }));
    expect([first.status, next.status]).toEqual(["starting", "queued"]);
    // The service has not looked since the start: the end is for the pass to see.
    await eventually(
      () => arm.client.containerGroups.get(testResourceGroup, groups[0]!),
      (group) => group.instanceView?.state === "Succeeded" && group.tags?.[runIdTagName] === first.id,
    );
    arm.emulator.clearRequests();
    expect((await reconcile()).dispatched).toBe(1);
    const calls = arm.emulator.requests.map((r) => r.method);
    expect(calls.filter((method) => method === "GET")).toHaveLength(1);
    expect(calls.filter((method) => method === "PUT")).toHaveLength(1);
    expect((await bodyOf(await getWithKey(app, `/runs/${first.id}`))).status).toBe("succeeded");
  });
});
