import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "throttling-key-0123456789";
const retryBudgetMs = 3000;
const shortBudgetMs = 1500;

describe("ARM throttling and server errors, seen by the bundle", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let impatient: ServiceProcess;
  let runs: RunsClient;
  let finishedRun: string;

  const calls = (method: string) => emulator.requests.filter((r) => r.method === method).map((r) => r.status);

  beforeAll(async () => {
    const budget = (ms: number) => ({ TRIGGER_ARM_RETRY_TIMEOUT_MS: String(ms) });
    trigger = await startTrigger({ apiKey, services: [budget(retryBudgetMs), budget(shortBudgetMs)] });
    ({ emulator } = trigger);
    [service, impatient] = trigger.services as [ServiceProcess, ServiceProcess];
    runs = runsClient(service.url, apiKey);
  });

  afterEach(() => {
    emulator.faults.clear();
    emulator.clearRequests();
  });

  afterAll(() => trigger?.close());

  it("waits out a 429 with Retry-After 1 on the PUT and accepts the run", async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 1, method: "PUT" });
    const started = performance.now();
    const answer = await runs.start({});

    expect(answer.status).toBe(202);
    expect(calls("PUT")).toEqual([429, 200]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    finishedRun = answer.body.id!;
    await runs.waitFor(finishedRun, ["succeeded"]);
  });

  it("answers 503 ArmBusy with ARM's Retry-After at once when a 429 asks for a wait beyond the budget", async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 600, method: "PUT" });
    const started = performance.now();
    const answer = await runs.start({});

    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("ArmBusy");
    expect(answer.headers.get("retry-after")).toBe("600");
    expect(performance.now() - started).toBeLessThan(retryBudgetMs);
    expect(calls("PUT")).toEqual([429]);
  });

  it("retries a GET answered 503 and serves the run's status", async () => {
    emulator.faults.add({ status: 503, method: "GET" });
    const answer = await runs.status(finishedRun);

    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe("succeeded");
    expect(calls("GET")).toEqual([503, 200]);
  });

  it("answers 503 ArmBusy at once when a GET is answered 503 with a Retry-After beyond the budget", async () => {
    emulator.faults.add({ status: 503, retryAfterSeconds: 600, method: "GET" });
    const started = performance.now();
    const answer = await runs.status(finishedRun);

    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("ArmBusy");
    expect(answer.headers.get("retry-after")).toBe("600");
    expect(performance.now() - started).toBeLessThan(retryBudgetMs);
  });

  it("answers 502 ArmUnavailable once the SDK's retries of a GET failing with 503 run out", { timeout: 15_000 }, async () => {
    emulator.faults.add({ status: 503, method: "GET", count: 10 });
    const answer = await runs.status(finishedRun);

    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe("ArmUnavailable");
    expect(calls("GET")).toEqual([503, 503, 503, 503]);
  });

  it("answers 503 ArmBusy within the budget when every PUT is throttled with a Retry-After inside it", { timeout: 15_000 }, async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 1, method: "PUT", count: 100 });
    const started = performance.now();
    const answer = await runsClient(impatient.url, apiKey).start({});

    expect(answer.body.error?.code).toBe("ArmBusy");
    expect(performance.now() - started).toBeLessThan(shortBudgetMs + 500);
  });

  it("printed neither the API key nor a token, nor ARM's error text, in either process", () => {
    for (const each of [service, impatient]) {
      expect(printedSecrets(each.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
      expect(each.output()).not.toContain("Injected fault");
    }
  });
});
