import { describe, expect, it } from "vitest";
import { FakeGroup, sampleGroup } from "../helpers/fake-group.js";
import { bodyOf, buildApp, dbPassword, postRun } from "../helpers/service-app.js";

const envOf = (fake: FakeGroup, index = 0) =>
  Object.fromEntries(
    (fake.replaced[index]?.properties.containers[0]?.properties.environmentVariables ?? []).map((e) => [e.name, e.value ?? e.secureValue]),
  );

describe("POST /runs", () => {
  it("re-creates the group with the run's env and answers 202 with the starting run", async () => {
    const { app, fake } = buildApp();
    const res = await postRun(app, { env: { INPUT: "a.csv" } });
    expect(res.status).toBe(202);
    expect(res.headers.get("Location")).toBe("/runs/run-1");
    expect(await bodyOf(res)).toEqual({ id: "run-1", status: "starting", startedAt: "2024-02-01T00:00:00.000Z" });
    expect(fake.calls.replace).toBe(1);
    expect(envOf(fake)).toMatchObject({ INPUT: "a.csv", MODE: "batch", DB_PASSWORD: dbPassword });
  });

  it("uses the command override of the request", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {}, command: ["python", "job.py"] });
    expect(fake.replaced[0]?.properties.containers[0]?.properties.command).toEqual(["python", "job.py"]);
  });

  it("refuses a second run while one runs, naming the running run", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(409);
    expect(await bodyOf(res)).toEqual({ error: { code: "RunInProgress", message: expect.stringContaining("run-1"), runId: "run-1" } });
    expect(fake.calls.replace).toBe(1);
  });

  it("starts a new run once the previous one finished", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    fake.finish(0);
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(202);
    expect((await bodyOf(res)).id).toBe("run-2");
  });

  it("lets exactly one of 30 concurrent requests start a run", async () => {
    const { app, fake } = buildApp();
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => postRun(app, { env: { N: String(i) } })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    expect(fake.calls.replace).toBe(1);
  });

  it("keeps serving runs after a request under the lock failed", async () => {
    const { app, fake } = buildApp();
    fake.fail("read", new Error("boom"), 1);
    expect((await postRun(app, { env: {} })).status).toBe(500);
    expect((await postRun(app, { env: {} })).status).toBe(202);
  });
});

describe("POST /runs with an Idempotency-Key", () => {
  it("returns the same run for a repeat with the same key and body, without a second PUT", async () => {
    const { app, fake } = buildApp();
    const first = await postRun(app, { env: { A: "1" } }, { "Idempotency-Key": "k-1" });
    const again = await postRun(app, { env: { A: "1" } }, { "Idempotency-Key": "k-1" });
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.headers.get("Location")).toBe("/runs/run-1");
    expect((await bodyOf(again)).id).toBe("run-1");
    expect(fake.calls.replace).toBe(1);
  });

  it("recognizes the repeat through the group's tags, as a restarted service would", async () => {
    const first = buildApp();
    await postRun(first.app, { env: { A: "1" } }, { "Idempotency-Key": "k-1" });
    first.fake.finish(0);
    const restarted = buildApp({ fake: first.fake });
    const again = await postRun(restarted.app, { env: { A: "1" } }, { "Idempotency-Key": "k-1" });
    expect(again.status).toBe(202);
    expect(await bodyOf(again)).toMatchObject({ id: "run-1", status: "succeeded" });
    expect(first.fake.calls.replace).toBe(1);
  });

  it("refuses the same key with a different body with 422 IdempotencyKeyReused", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: { A: "1" } }, { "Idempotency-Key": "k-1" });
    fake.finish(0);
    const res = await postRun(app, { env: { A: "2" } }, { "Idempotency-Key": "k-1" });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe("IdempotencyKeyReused");
    expect(fake.calls.replace).toBe(1);
  });

  it("starts a new run for a new key", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} }, { "Idempotency-Key": "k-1" });
    fake.finish(0);
    const res = await postRun(app, { env: {} }, { "Idempotency-Key": "k-2" });
    expect((await bodyOf(res)).id).toBe("run-2");
  });

  it("rejects a key longer than 255 characters", async () => {
    const { app, fake } = buildApp();
    const res = await postRun(app, { env: {} }, { "Idempotency-Key": "k".repeat(256) });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error).toEqual({ code: "InvalidRequest", message: expect.stringContaining("header.idempotency-key") });
    expect(fake.calls.read).toBe(0);
  });
});

describe("POST /runs refusals", () => {
  it("refuses with SecretNotConfigured naming the missing secret and sends no PUT", async () => {
    const { app, fake, raw } = buildApp({ config: { secrets: {} } });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("SecretNotConfigured");
    expect(body.error.message).toContain("DB_PASSWORD");
    expect(fake.calls.replace).toBe(0);
    expect(raw.join("\n")).not.toContain(dbPassword);
  });

  it("refuses to set a variable the group holds as a secure value", async () => {
    const { app, fake } = buildApp();
    const res = await postRun(app, { env: { DB_PASSWORD: "other" } });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error).toMatchObject({ code: "SecureVariableOverride", names: ["DB_PASSWORD"] });
    expect(fake.calls.replace).toBe(0);
  });

  it("answers ContainerNotFound when the configured container is not in the group", async () => {
    const { app, fake } = buildApp({ config: { container: "missing" } });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).error.code).toBe("ContainerNotFound");
    expect(fake.calls.replace).toBe(0);
  });

  it("answers TooManyTags when the run record does not fit in the group's tags", async () => {
    const group = sampleGroup();
    group.tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, "v"]));
    const { app, fake } = buildApp({ fake: new FakeGroup(group) });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).error.code).toBe("TooManyTags");
    expect(fake.calls.replace).toBe(0);
  });

  it("answers BaseEnvUnreadable when the bookkeeping variable was edited by hand", async () => {
    const group = sampleGroup();
    group.properties.containers[0]?.properties.environmentVariables?.push({ name: "TRIGGER_BASE", value: "not json" });
    const { app, fake } = buildApp({ fake: new FakeGroup(group) });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).error.code).toBe("BaseEnvUnreadable");
    expect(fake.calls.replace).toBe(0);
  });
});
