import { describe, expect, it } from "vitest";
import { auth, bodyOf, buildApp, postRun } from "../helpers/service-app.js";

/** An app whose group has seen run-1 (finished) and then run-2 (still running). */
async function withSupersededRun() {
  const built = buildApp();
  await postRun(built.app, { env: {} });
  built.fake.finish(0);
  await postRun(built.app, { env: {} });
  return built;
}

const get = (app: ReturnType<typeof buildApp>["app"], path: string) => app.request(path, { headers: auth });
const post = (app: ReturnType<typeof buildApp>["app"], path: string) => app.request(path, { method: "POST", headers: auth });

describe("GET /runs/{id}", () => {
  it("reports the current run as running, then succeeded with its exit code", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    expect(await bodyOf(await get(app, "/runs/run-1"))).toMatchObject({ id: "run-1", status: "running" });
    fake.finish(0);
    const res = await get(app, "/runs/run-1");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ id: "run-1", status: "succeeded", exitCode: 0, finishedAt: "2024-02-01T00:01:00Z" });
  });

  it("reports a non-zero exit as failed", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    fake.finish(3);
    expect(await bodyOf(await get(app, "/runs/run-1"))).toMatchObject({ status: "failed", exitCode: 3 });
  });

  it("answers 410 RunSuperseded for a run a later run replaced", async () => {
    const { app } = await withSupersededRun();
    const res = await get(app, "/runs/run-1");
    expect(res.status).toBe(410);
    expect((await bodyOf(res)).error).toMatchObject({ code: "RunSuperseded", runId: "run-2" });
  });

  it("answers 404 RunNotFound for an id the group never ran", async () => {
    const { app } = buildApp();
    const res = await get(app, "/runs/never");
    expect(res.status).toBe(404);
    expect((await bodyOf(res)).error.code).toBe("RunNotFound");
  });

  it("rejects an id with characters no run id has", async () => {
    const { app, fake } = buildApp();
    const res = await get(app, "/runs/a.b");
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error).toEqual({ code: "InvalidRequest", message: expect.stringContaining("path.id") });
    expect(fake.calls.read).toBe(0);
  });
});

describe("GET /runs/{id}/logs", () => {
  it("returns the target container's logs as JSON, limited by tail", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    const res = await get(app, "/runs/run-1/logs?tail=2");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ id: "run-1", content: "line 2\nline 3" });
    expect(fake.logRequests).toEqual([{ container: "job", tail: 2 }]);
  });

  it("returns all logs without tail", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    expect((await bodyOf(await get(app, "/runs/run-1/logs"))).content).toBe("line 1\nline 2\nline 3");
    expect(fake.logRequests).toEqual([{ container: "job", tail: undefined }]);
  });

  it("returns no logs while the run is still starting, rather than the previous run's", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    fake.group.properties.provisioningState = "Creating";
    expect(await bodyOf(await get(app, "/runs/run-1/logs"))).toEqual({ id: "run-1", content: "" });
    expect(fake.calls.logs).toBe(0);
  });

  it.each(["0", "-1", "1.5", "abc", "10001"])("rejects tail=%s", async (tail) => {
    const { app, fake } = buildApp();
    const res = await get(app, `/runs/run-1/logs?tail=${tail}`);
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error).toEqual({ code: "InvalidRequest", message: expect.stringContaining("query.tail") });
    expect(fake.calls.logs).toBe(0);
  });

  it("answers 410 for the logs of a superseded run and 404 for an unknown one", async () => {
    const { app, fake } = await withSupersededRun();
    expect((await get(app, "/runs/run-1/logs")).status).toBe(410);
    expect((await get(app, "/runs/nope/logs")).status).toBe(404);
    expect(fake.calls.logs).toBe(0);
  });
});

describe("POST /runs/{id}/cancel", () => {
  it("stops the group while the run is active and reports it canceled", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    const res = await post(app, "/runs/run-1/cancel");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ id: "run-1", status: "canceled" });
    expect(fake.calls.stop).toBe(1);
    expect(await bodyOf(await get(app, "/runs/run-1"))).toMatchObject({ status: "canceled" });
  });

  it("answers 409 RunNotActive with the status of a run that already finished", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    fake.finish(0);
    const res = await post(app, "/runs/run-1/cancel");
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).error).toMatchObject({ code: "RunNotActive", status: "succeeded" });
    expect(fake.calls.stop).toBe(0);
  });

  it("answers 410 for a superseded run and 404 for an unknown one, stopping nothing", async () => {
    const { app, fake } = await withSupersededRun();
    expect((await post(app, "/runs/run-1/cancel")).status).toBe(410);
    expect((await post(app, "/runs/unknown/cancel")).status).toBe(404);
    expect(fake.calls.stop).toBe(0);
  });

  it("lets a new run start once the current one is canceled", async () => {
    const { app } = buildApp();
    await postRun(app, { env: {} });
    await post(app, "/runs/run-1/cancel");
    expect((await postRun(app, { env: {} })).status).toBe(202);
  });
});
