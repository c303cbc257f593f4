import { describe, expect, it } from "vitest";
import { eventually, testResourceGroup, testSubscriptionId, useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, dbPassword, defaultJob, getWithKey, postRun, seedGroups, testConfig } from "../helpers/service-app.js";

const arm = useArmEmulator();

const stored = (group: string) => arm.emulator.getStoredGroup(testSubscriptionId, testResourceGroup, group) as any;
const envOf = (group: string) =>
  Object.fromEntries((stored(group).properties.containers[0].properties.environmentVariables as any[]).map((e) => [e.name, e.value ?? e.secureValue]));
const puts = (group: string) => arm.emulator.requests.filter((r) => r.method === "PUT" && r.path.endsWith(`/containerGroups/${group}`));
/** Holds a run in Running until the test ends it. */
const longRun = { EMULATOR_RUN_MS: "600000" };

describe("POST /runs", () => {
  it("re-creates a free group with the run's env and answers 202 with the starting run", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const res = await postRun(app, { env: { INPUT: "a.csv" } });
    expect(res.status).toBe(202);
    const run = await bodyOf(res);
    expect(res.headers.get("Location")).toBe(`/runs/${run.id}`);
    expect(run).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: "starting",
      group: groups[0],
      env: { INPUT: "a.csv" },
      createdAt: expect.any(String),
      dispatchedAt: expect.any(String),
      startedBy: "key:key-1",
      maxRetries: 0,
      attempt: 1,
      attempts: [{ attempt: 1, status: "starting", group: groups[0], dispatchedAt: run.dispatchedAt }],
    });
    expect(puts(groups[0]!)).toHaveLength(1);
    expect(envOf(groups[0]!)).toEqual({ MODE: "batch", DB_PASSWORD: dbPassword, INPUT: "a.csv", TRIGGER_RUN_ID: run.id, TRIGGER_ATTEMPT: "1" });
    expect(stored(groups[0]!).tags).toEqual({ "trigger-run-id": run.id });
  });

  it("uses the command override of the request where the operator allows overrides", async () => {
    const { app, groups } = await buildApp(arm.emulator, { config: { limits: { ...testConfig().limits, allowCommand: true } } });
    await postRun(app, { env: {}, command: ["python", "job.py"] });
    expect(stored(groups[0]!).properties.containers[0].properties.command).toEqual(["python", "job.py"]);
  });

  it("refuses a command override by default with 400 naming command, before any ARM call", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    arm.emulator.clearRequests();
    const res = await postRun(app, { env: {}, command: ["env"] });
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toEqual({ error: { code: "InvalidRequest", message: expect.stringContaining("command: is disabled on this service") } });
    expect(puts(groups[0]!)).toEqual([]);
    expect(arm.emulator.requests).toEqual([]);
  });

  it("refuses env that makes the job load other code, before any ARM call", async () => {
    const { app } = await buildApp(arm.emulator);
    arm.emulator.clearRequests();
    const res = await postRun(app, { env: { LD_PRELOAD: "/mnt/shared/evil.so", NODE_OPTIONS: "--require /mnt/shared/evil.js" } });
    expect(res.status).toBe(400);
    const { message } = (await bodyOf(res)).error;
    expect(message).toContain("env.LD_PRELOAD: changes how the job loads code");
    expect(message).toContain("env.NODE_OPTIONS: changes how the job loads code");
    expect(arm.emulator.requests).toEqual([]);
  });

  it("refuses a second run while one runs when the queue is off, naming the running run", async () => {
    const { app, groups } = await buildApp(arm.emulator, { maxQueued: 0 });
    const first = await bodyOf(await postRun(app, { env: longRun }));
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(409);
    expect(await bodyOf(res)).toEqual({ error: { code: "RunInProgress", message: expect.stringContaining(first.id), runId: first.id } });
    expect(puts(groups[0]!)).toHaveLength(1);
  });

  it("lets exactly one of 30 concurrent requests start a run when the queue is off", async () => {
    const { app, groups } = await buildApp(arm.emulator, { maxQueued: 0 });
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => postRun(app, { env: { N: String(i), ...longRun } })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    expect(puts(groups[0]!)).toHaveLength(1);
  });

  it("starts the next run once the previous one is recorded as ended", async () => {
    const { app } = await buildApp(arm.emulator, { maxQueued: 0 });
    const first = await bodyOf(await postRun(app, { env: {} }));
    await eventually(async () => bodyOf(await getWithKey(app, `/runs/${first.id}`)), (run) => run.status === "succeeded");
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(202);
  });

  it("starts every run from the group's own env: nothing of a previous run carries over", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, { env: { ONLY_FIRST: "1", MODE: "override" } }));
    await eventually(async () => bodyOf(await getWithKey(app, `/runs/${first.id}`)), (run) => run.status === "succeeded");
    const second = await bodyOf(await postRun(app, { env: { ONLY_SECOND: "2" } }));
    expect(envOf(groups[0]!)).toEqual({ MODE: "batch", DB_PASSWORD: dbPassword, ONLY_SECOND: "2", TRIGGER_RUN_ID: second.id, TRIGGER_ATTEMPT: "1" });
  });

  it("takes an operator's change of the group (a pulumi up) into the next run", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, { env: { A: "1" } }));
    await eventually(async () => bodyOf(await getWithKey(app, `/runs/${first.id}`)), (run) => run.status === "succeeded");
    const redeployed = defaultJob() as any;
    redeployed.properties.containers[0].properties.image = "registry.example/job:2";
    redeployed.properties.containers[0].properties.environmentVariables[0].value = "stream";
    arm.emulator.putGroup(testSubscriptionId, testResourceGroup, groups[0]!, redeployed, { terminated: true });

    const second = await bodyOf(await postRun(app, { env: { B: "2" } }));
    expect(stored(groups[0]!).properties.containers[0].properties.image).toBe("registry.example/job:2");
    expect(envOf(groups[0]!)).toEqual({ MODE: "stream", DB_PASSWORD: dbPassword, B: "2", TRIGGER_RUN_ID: second.id, TRIGGER_ATTEMPT: "1" });
    expect((await bodyOf(await getWithKey(app, `/runs/${first.id}`))).status).toBe("succeeded");
  });
});

describe("POST /runs with an Idempotency-Key", () => {
  it("returns the same run for a repeat with the same key and body, without a second PUT", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const first = await postRun(app, { env: { A: "1" } }, { "Idempotency-Key": "k-1" });
    const again = await postRun(app, { env: { A: "1" } }, { "Idempotency-Key": "k-1" });
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await bodyOf(again)).id).toBe((await bodyOf(first)).id);
    expect(puts(groups[0]!)).toHaveLength(1);
  });

  it("replays the key after many later runs", async () => {
    const { app } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, { env: {} }, { "Idempotency-Key": "nightly" }));
    for (let i = 0; i < 5; i += 1) {
      const run = await bodyOf(await postRun(app, { env: { I: String(i) } }));
      expect(run.status).toMatch(/^(starting|queued)$/);
    }
    const again = await postRun(app, { env: {} }, { "Idempotency-Key": "nightly" });
    expect((await bodyOf(again)).id).toBe(first.id);
  });

  it("gives concurrent repeats of one key one run", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    const answers = await Promise.all(Array.from({ length: 10 }, () => postRun(app, { env: { X: "1" } }, { "Idempotency-Key": "same" })));
    const ids = new Set(await Promise.all(answers.map(async (a) => (await bodyOf(a)).id)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(ids.size).toBe(1);
    expect(puts(groups[0]!)).toHaveLength(1);
  });

  it("refuses the same key with a different body with 422 IdempotencyKeyReused", async () => {
    const { app } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, { env: { A: "1" } }, { "Idempotency-Key": "k-2" }));
    const res = await postRun(app, { env: { A: "2" } }, { "Idempotency-Key": "k-2" });
    expect(res.status).toBe(422);
    expect(await bodyOf(res)).toEqual({ error: { code: "IdempotencyKeyReused", message: expect.any(String), runId: first.id } });
  });

  it("rejects a key longer than 255 characters", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await postRun(app, { env: {} }, { "Idempotency-Key": "k".repeat(256) });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.message).toContain("header.idempotency-key");
  });
});

describe("POST /runs refusals", () => {
  it("refuses with SecretNotConfigured naming the missing secret, sends no PUT and records no run", async () => {
    const { app, groups } = await buildApp(arm.emulator, { config: { secrets: {} } });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("SecretNotConfigured");
    expect(body.error.missing).toEqual([expect.stringContaining("DB_PASSWORD")]);
    expect(JSON.stringify(body)).not.toContain(dbPassword);
    expect(puts(groups[0]!)).toHaveLength(0);
    expect((await bodyOf(await getWithKey(app, "/runs"))).runs).toEqual([]);
  });

  it("refuses to set a variable the group holds as a secure value", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await postRun(app, { env: { DB_PASSWORD: "x" } });
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toMatchObject({ error: { code: "SecureVariableOverride", names: ["DB_PASSWORD"] } });
  });

  it("answers ContainerNotFound when no group of the pool has the configured container", async () => {
    const { app } = await buildApp(arm.emulator, { container: "absent" });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).error.code).toBe("ContainerNotFound");
  });

  it("answers TooManyTags when the run's tag does not fit beside the group's own", async () => {
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, "v"]));
    const [group] = seedGroups(arm.emulator, 1, { ...defaultJob(), tags });
    const { app } = await buildApp(arm.emulator, { groups: [group!] });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).error.code).toBe("TooManyTags");
  });
});

describe("the limit on starts", () => {
  const limits = (maxStartsPerMinute: number) => ({ maxStartsPerMinute, maxFailedAuthPerMinute: 20, trustedProxyHops: 0 });

  it("answers 429 TooManyRequests with Retry-After past TRIGGER_MAX_STARTS_PER_MINUTE, without a PUT, until the minute is over", async () => {
    let clock = Date.parse("2024-02-01T00:00:00Z");
    const { app, groups } = await buildApp(arm.emulator, { groups: seedGroups(arm.emulator, 3), config: { rateLimits: limits(2) }, app: { now: () => new Date(clock) } });
    for (let i = 0; i < 2; i += 1) expect((await postRun(app, { env: longRun })).status).toBe(202);
    clock += 15_000;
    const refused = await postRun(app, { env: {} });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("45");
    expect((await bodyOf(refused)).error.code).toBe("TooManyRequests");
    expect(groups.flatMap((group) => puts(group))).toHaveLength(2);
    clock += 45_000;
    expect((await postRun(app, { env: {} })).status).toBe(202);
  });

  it("does not count requests refused before they reach the run service", async () => {
    const { app } = await buildApp(arm.emulator, { config: { rateLimits: limits(1) } });
    for (let i = 0; i < 3; i += 1) expect((await postRun(app, { env: { "1BAD": "x" } })).status).toBe(400);
    expect((await postRun(app, { env: {} })).status).toBe(202);
  });
});
