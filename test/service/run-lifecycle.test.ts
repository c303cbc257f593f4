import { describe, expect, it } from "vitest";
import { newRunId } from "../../service/core/run-id.js";
import { eventually, groupPath, rawArm, testResourceGroup, testSubscriptionId, useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, defaultJob, getWithKey, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();

const statusOf = async (app: Awaited<ReturnType<typeof buildApp>>["app"], id: string) => bodyOf(await getWithKey(app, `/runs/${id}`));
const cancel = (app: Awaited<ReturnType<typeof buildApp>>["app"], id: string) => app.request(`/runs/${id}/cancel`, { method: "POST", headers: auth });
const longRun = { EMULATOR_RUN_MS: "600000" };

describe("GET /runs/{id}", () => {
  it("reports a run whose container runs as running, with its start time", async () => {
    const { app } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: longRun }));
    const running = await eventually(() => statusOf(app, run.id), (r) => r.status !== "starting");
    expect(running).toMatchObject({ status: "running", startedAt: expect.any(String) });
    expect(running.finishedAt).toBeUndefined();
  });

  it("reports a run whose container exited 0 as succeeded, with its exit code and times", async () => {
    const { app } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: {} }));
    const done = await eventually(() => statusOf(app, run.id), (r) => r.status === "succeeded");
    expect(done).toMatchObject({ exitCode: 0, startedAt: expect.any(String), finishedAt: expect.any(String) });
  });

  it("reports a non-zero exit as failed", async () => {
    const { app } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: { EMULATOR_EXIT_CODE: "3" } }));
    expect(await eventually(() => statusOf(app, run.id), (r) => r.status === "failed")).toMatchObject({ exitCode: 3 });
  });

  it("keeps a finished run's status after later runs re-created its group", async () => {
    const { app } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, { env: { EMULATOR_EXIT_CODE: "3" } }));
    await eventually(() => statusOf(app, first.id), (r) => r.status === "failed");
    const second = await bodyOf(await postRun(app, { env: {} }));
    await eventually(() => statusOf(app, second.id), (r) => r.status === "succeeded");
    expect(await statusOf(app, first.id)).toMatchObject({ status: "failed", exitCode: 3 });
  });

  it("reads lost when the group was re-created outside the service, never the new deployment's state", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: longRun }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "running");
    arm.emulator.putGroup(testSubscriptionId, testResourceGroup, groups[0]!, defaultJob());
    const lost = await statusOf(app, run.id);
    expect(lost).toMatchObject({ status: "lost", message: expect.stringContaining("outside the service") });
    expect(await statusOf(app, run.id)).toMatchObject({ status: "lost" });
  });

  it("reads lost when the group was restarted outside the service", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: longRun }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "running");
    const restarted = await rawArm(arm.client, arm.emulator, "POST", `${groupPath(groups[0]!, "/restart")}?api-version=2023-05-01`);
    expect(restarted.status).toBeLessThan(300);
    const after = await eventually(() => statusOf(app, run.id), (r) => r.status !== "running" && r.status !== "starting");
    expect(after.status).toBe("lost");
  });

  it("answers 404 RunNotFound for an id never started, and 400 for an id no run can have", async () => {
    const { app } = await buildApp(arm.emulator);
    const unknown = await getWithKey(app, `/runs/${newRunId(new Date())}`);
    expect(unknown.status).toBe(404);
    expect((await bodyOf(unknown)).error.code).toBe("RunNotFound");
    expect((await getWithKey(app, "/runs/not-a-uuid")).status).toBe(404);
    expect((await getWithKey(app, "/runs/bad%20id")).status).toBe(400);
  });
});

describe("GET /runs", () => {
  it("lists runs newest first, page by page, with their statuses", async () => {
    const { app } = await buildApp(arm.emulator, { maxQueued: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await bodyOf(await postRun(app, { env: { I: String(i), ...longRun } }))).id);
    const first = await bodyOf(await getWithKey(app, "/runs?limit=2"));
    expect(first.runs.map((r: any) => r.id)).toEqual([ids[4], ids[3]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await bodyOf(await getWithKey(app, `/runs?limit=2&cursor=${first.nextCursor}`));
    expect(second.runs.map((r: any) => r.id)).toEqual([ids[2], ids[1]]);
    const last = await bodyOf(await getWithKey(app, `/runs?limit=2&cursor=${second.nextCursor}`));
    expect(last).toEqual({ runs: [expect.objectContaining({ id: ids[0], status: "starting", env: { I: "0", ...longRun } })], nextCursor: null });
    const queued = await bodyOf(await getWithKey(app, "/runs?status=queued"));
    expect(queued.runs.map((r: any) => r.id)).toEqual([ids[4], ids[3], ids[2], ids[1]]);
  });

  it("refuses a limit outside 1 to 100 and an unknown status", async () => {
    const { app } = await buildApp(arm.emulator);
    for (const query of ["limit=0", "limit=101", "status=sleeping", "cursor=%25"]) {
      const res = await getWithKey(app, `/runs?${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  it("refuses a cursor it did not issue, a truncated one and an altered one with 400, naming the cursor", async () => {
    const { app } = await buildApp(arm.emulator, { maxQueued: 10 });
    for (let i = 0; i < 3; i += 1) await postRun(app, { env: longRun });
    const { nextCursor } = await bodyOf(await getWithKey(app, "/runs?limit=1"));
    expect((await getWithKey(app, `/runs?limit=1&cursor=${nextCursor}`)).status).toBe(200);
    const last = nextCursor.at(-1) === "A" ? "B" : "A";
    for (const cursor of ["garbage", nextCursor.slice(0, -4), `${nextCursor.slice(0, -1)}${last}`]) {
      const res = await getWithKey(app, `/runs?limit=1&cursor=${cursor}`);
      expect(res.status, cursor).toBe(400);
      expect((await bodyOf(res)).error).toEqual({ code: "InvalidRequest", message: expect.stringMatching(/^query\.cursor: is not a nextCursor of this service/) });
    }
  });
});

describe("GET /runs/{id}/logs", () => {
  it("returns the run's container output, limited by tail", async () => {
    const { app } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: { GREETING: "hi" } }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "succeeded");
    const all = await bodyOf(await getWithKey(app, `/runs/${run.id}/logs`));
    expect(all.content).toContain("GREETING=hi");
    const tail = await bodyOf(await getWithKey(app, `/runs/${run.id}/logs?tail=1`));
    expect(tail).toEqual({ id: run.id, content: "exit code 0\n" });
  });

  it("returns no logs while the run is starting, rather than the previous deployment's", async () => {
    const { app } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: { EMULATOR_PENDING_MS: "600000" } }));
    expect(await bodyOf(await getWithKey(app, `/runs/${run.id}/logs`))).toEqual({ id: run.id, content: "" });
  });

  it("answers 410 LogsUnavailable once the group holds another deployment", async () => {
    const { app } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, { env: {} }));
    await eventually(() => statusOf(app, first.id), (r) => r.status === "succeeded");
    await postRun(app, { env: longRun });
    const res = await getWithKey(app, `/runs/${first.id}/logs`);
    expect(res.status).toBe(410);
    expect((await bodyOf(res)).error.code).toBe("LogsUnavailable");
  });
});

describe("POST /runs/{id}/cancel", () => {
  it("stops the group of an active run and records it canceled", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: longRun }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "running");
    const res = await cancel(app, run.id);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ id: run.id, status: "canceled", finishedAt: expect.any(String) });
    expect(arm.emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith(`${groups[0]}/stop`))).toHaveLength(1);
    expect(await statusOf(app, run.id)).toMatchObject({ status: "canceled" });
    expect((await postRun(app, { env: {} })).status).toBe(202);
  });

  it("cancels a queued run without calling ARM, and it never starts", async () => {
    const { app, reconcile } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, { env: {} }));
    const queued = await bodyOf(await postRun(app, { env: { SECOND: "1" } }));
    expect(queued.status).toBe("queued");
    arm.emulator.clearRequests();
    const res = await cancel(app, queued.id);
    expect(await bodyOf(res)).toMatchObject({ id: queued.id, status: "canceled" });
    expect(arm.emulator.requests).toEqual([]);
    await eventually(() => statusOf(app, first.id), (r) => r.status === "succeeded");
    await reconcile();
    expect(await statusOf(app, queued.id)).toMatchObject({ status: "canceled" });
    expect(arm.emulator.requests.filter((r) => r.method === "PUT")).toEqual([]);
  });

  it("answers 409 RunNotActive with the status of a run that already ended", async () => {
    const { app } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: {} }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "succeeded");
    const res = await cancel(app, run.id);
    expect(res.status).toBe(409);
    expect(await bodyOf(res)).toEqual({ error: { code: "RunNotActive", message: expect.any(String), runId: run.id, status: "succeeded" } });
  });
});
