import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { eventually } from "../helpers/emulator.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import { startServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "timeouts-retries-key-0123456789";
const final = ["succeeded", "failed", "canceled", "lost", "timed_out"];

interface PutBody {
  tags?: Record<string, string>;
  properties?: { containers?: Array<{ properties?: { environmentVariables?: Array<{ name: string; value?: string }> } }> };
}

/** The TRIGGER_ATTEMPT of each PUT ARM received for `runId`, in order: one entry per PUT. */
function putAttempts(emulator: Emulator, runId: string): string[] {
  return emulator.requests
    .filter((r) => r.method === "PUT" && (r.body as PutBody).tags?.["trigger-run-id"] === runId)
    .map((r) => (r.body as PutBody).properties?.containers?.[0]?.properties?.environmentVariables?.find((e) => e.name === "TRIGGER_ATTEMPT")?.value ?? "");
}

function stops(emulator: Emulator): number {
  return emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith("/stop")).length;
}

describe.each([1, 2])("a run past its timeoutSeconds, %i service process(es)", (processes) => {
  let trigger: Trigger;
  let clients: RunsClient[];

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: Array.from({ length: processes }, () => ({})) });
    clients = trigger.services.map((service) => runsClient(service.url, apiKey));
  });

  afterAll(() => trigger?.close());

  it("ends timed_out with one stop at ARM, naming the limit, and its group takes the next run", async () => {
    trigger.emulator.clearRequests();
    const sleeper = await clients[0]!.start({ env: { EMULATOR_RUN_MS: "600000" }, timeoutSeconds: 2 });
    expect(sleeper.status).toBe(202);
    expect(sleeper.body).toMatchObject({ attempt: 1 });
    const next = await clients[processes - 1]!.start({ env: { NEXT: "1" } });
    expect(next.body.status).toBe("queued");

    const ended = await clients[0]!.waitFor(sleeper.body.id!, final, 60_000);
    expect(ended.body.status).toBe("timed_out");
    expect(ended.body.message).toContain("timeoutSeconds (2 s)");
    expect(ended.body.attempts).toMatchObject([{ attempt: 1, status: "timed_out" }]);
    expect((await clients[processes - 1]!.waitFor(next.body.id!, final, 60_000)).body.status).toBe("succeeded");
    expect(stops(trigger.emulator)).toBe(1);
    expect(putAttempts(trigger.emulator, sleeper.body.id!)).toEqual(["1"]);
  });
});

describe("retries, on two service processes", () => {
  let trigger: Trigger;
  let clients: RunsClient[];

  beforeAll(async () => {
    const tunables = { TRIGGER_RETRY_BACKOFF_SECONDS: "0.2" };
    trigger = await startTrigger({ apiKey, services: [tunables, tunables] });
    clients = trigger.services.map((service) => runsClient(service.url, apiKey));
  });

  afterAll(() => trigger?.close());

  it("runs a job that fails twice with maxRetries 2 three times, ending succeeded at attempt 3 with exactly three PUTs", async () => {
    const key = { "Idempotency-Key": "fails-twice" };
    const started = await clients[0]!.start({ env: { EMULATOR_EXIT_CODES: "1,1,0" }, maxRetries: 2 }, key);
    expect(started.status).toBe(202);
    const ended = await clients[1]!.waitFor(started.body.id!, final, 60_000);
    expect(ended.body).toMatchObject({ status: "succeeded", attempt: 3 });
    expect(ended.body.attempts?.map((a) => [a.attempt, a.status, a.exitCode])).toEqual([
      [1, "failed", 1],
      [2, "failed", 1],
      [3, "succeeded", 0],
    ]);
    // The job saw its attempt in TRIGGER_ATTEMPT, and each attempt was sent once.
    expect(putAttempts(trigger.emulator, started.body.id!)).toEqual(["1", "2", "3"]);

    const replay = await clients[1]!.start({ env: { EMULATOR_EXIT_CODES: "1,1,0" }, maxRetries: 2 }, key);
    expect(replay.status).toBe(202);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body).toMatchObject({ id: started.body.id, status: "succeeded", attempt: 3 });
    expect(replay.body.attempts).toHaveLength(3);
  });

  it("ends failed at attempt 2 when maxRetries 1 and both attempts fail", async () => {
    const started = await clients[1]!.start({ env: { EMULATOR_EXIT_CODES: "1,1,0" }, maxRetries: 1 });
    const ended = await clients[0]!.waitFor(started.body.id!, final, 60_000);
    expect(ended.body).toMatchObject({ status: "failed", attempt: 2, exitCode: 1 });
    expect(ended.body.attempts?.map((a) => a.status)).toEqual(["failed", "failed"]);
    expect(putAttempts(trigger.emulator, started.body.id!)).toEqual(["1", "2"]);
  });

  it("retries a timed-out attempt with retryOnTimeout once its group is stopped: two attempts, two PUTs, two stops", async () => {
    trigger.emulator.clearRequests();
    const started = await clients[0]!.start({ env: { EMULATOR_RUN_MS: "600000" }, timeoutSeconds: 1, maxRetries: 1, retryOnTimeout: true });
    const ended = await clients[1]!.waitFor(started.body.id!, final, 60_000);
    expect(ended.body).toMatchObject({ status: "timed_out", attempt: 2 });
    expect(ended.body.attempts?.map((a) => a.status)).toEqual(["timed_out", "timed_out"]);
    expect(putAttempts(trigger.emulator, started.body.id!)).toEqual(["1", "2"]);
    // The group is freed after the last stop: a next run goes through it.
    const next = await clients[0]!.start({ env: {} });
    expect((await clients[0]!.waitFor(next.body.id!, final, 60_000)).body.status).toBe("succeeded");
    expect(stops(trigger.emulator)).toBe(2);
  });
});

describe("a retry that is due, canceled or outliving its service", () => {
  let trigger: Trigger;
  // Long enough that a test sees the retry wait (2.5 s at least), short enough to end soon.
  const tunables = { TRIGGER_RETRY_BACKOFF_SECONDS: "5", TRIGGER_MAX_TIMEOUT_SECONDS: "60" };

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: [tunables] });
  });

  afterAll(() => trigger?.close());

  it("refuses a timeout above the deployment's ceiling with a 400 that names it", async () => {
    const answer = await runsClient(trigger.services[0]!.url, apiKey).start({ env: {}, timeoutSeconds: 61 });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain("timeoutSeconds");
    expect(answer.body.error?.message).toContain("TRIGGER_MAX_TIMEOUT_SECONDS");
    expect(answer.body.error?.message).toContain("60");
  });

  it("ends a run canceled between its attempts with no further PUT", async () => {
    const runs = runsClient(trigger.services[0]!.url, apiKey);
    const started = await runs.start({ env: { EMULATOR_EXIT_CODES: "1,0" }, maxRetries: 1 });
    const waiting = await runs.waitFor(started.body.id!, ["retrying", ...final], 60_000);
    expect(waiting.body.status).toBe("retrying");
    expect(waiting.body.retryAt).toBeDefined();
    expect((await runs.cancel(started.body.id!)).body.status).toBe("canceled");
    // Past the time the retry was due, a queued run dispatched by a pass proves passes ran since.
    await eventually(async () => Date.now(), (now) => now > Date.parse(waiting.body.retryAt!));
    const holder = await runs.start({ env: { EMULATOR_RUN_MS: "200" } });
    const queued = await runs.start({ env: {} });
    expect([holder.body.status, queued.body.status]).toEqual(["starting", "queued"]);
    expect((await runs.waitFor(queued.body.id!, final, 60_000)).body.status).toBe("succeeded");
    expect((await runs.status(started.body.id!)).body.status).toBe("canceled");
    expect(putAttempts(trigger.emulator, started.body.id!)).toEqual(["1"]);
  });

  it("still retries, once, when the only service process was killed while the retry was due", async () => {
    const first = runsClient(trigger.services[0]!.url, apiKey);
    const started = await first.start({ env: { EMULATOR_EXIT_CODES: "1,0" }, maxRetries: 1 });
    expect((await first.waitFor(started.body.id!, ["retrying", ...final], 60_000)).body.status).toBe("retrying");

    trigger.services[0]!.child.kill("SIGKILL");
    await eventually(async () => trigger.services[0]!.child.exitCode ?? trigger.services[0]!.child.signalCode, (gone) => gone !== null);
    trigger.services.push(await startServiceProcess({ ...trigger.env, ...tunables }));
    const second = runsClient(trigger.services[1]!.url, apiKey);

    const ended = await second.waitFor(started.body.id!, final, 60_000);
    expect(ended.body).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(putAttempts(trigger.emulator, started.body.id!)).toEqual(["1", "2"]);
  });
});
