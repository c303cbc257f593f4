import { describe, expect, it } from "vitest";
import { useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();

describe("the start's deadline, counted from the claim", () => {
  it("sends no PUT for a claim recorded longer ago than the ARM deadline, and records the run as not started", async () => {
    // The claim reads 20 s old when the PUT would go: as if the store took that long to record it.
    const { app, runs } = await buildApp(arm.emulator, { armDeadlineMs: 10_000, now: () => new Date(Date.now() - 20_000) });
    arm.emulator.clearRequests();

    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
    expect((await bodyOf(res)).error.code).toBe("StoreUnavailable");
    expect(arm.emulator.requests.map((r) => r.method)).not.toContain("PUT");
    const [run] = (await runs.list({ limit: 1 })).runs;
    expect(run).toMatchObject({ status: "failed" });
  });

  it("sends the PUT of a claim recorded within the deadline", async () => {
    const { app } = await buildApp(arm.emulator, { armDeadlineMs: 10_000, now: () => new Date(Date.now() - 5_000) });
    arm.emulator.clearRequests();

    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(202);
    expect(arm.emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([200]);
  });
});
