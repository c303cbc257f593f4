import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "throttling-key-0123456789";
// No reconcile pass between the tests' own requests, so each fault meets the request the test sends.
const quiet = { TRIGGER_RECONCILE_INTERVAL_MS: "600000" };

describe("ARM throttling and server errors, seen by the bundle", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let impatient: ServiceProcess;
  let runs: RunsClient;

  const calls = (method: string) => emulator.requests.filter((r) => r.method === method).map((r) => r.status);

  beforeAll(async () => {
    trigger = await startTrigger({
      apiKey,
      services: [{ ...quiet, TRIGGER_ARM_RETRY_TIMEOUT_MS: "30000" }, { ...quiet, TRIGGER_ARM_RETRY_TIMEOUT_MS: "4000" }],
    });
    ({ emulator } = trigger);
    [service, impatient] = trigger.services as [ServiceProcess, ServiceProcess];
    runs = runsClient(service.url, apiKey);
  });

  afterEach(() => {
    emulator.faults.clear();
    emulator.clearRequests();
  });

  afterAll(() => trigger?.close());

  it("waits out a 429 with Retry-After 1 on the PUT and accepts the run: a throttled PUT was not applied", async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 1, method: "PUT" });
    const started = performance.now();
    const answer = await runs.start({});

    expect(answer.status).toBe(202);
    expect(calls("PUT")).toEqual([429, 200]);
    // A lower bound only: the service must have honoured the wait ARM asked for.
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    await runs.waitFor(answer.body.id!, ["succeeded"]);
  });

  it("queues the run again when a 429 asks for a wait beyond the budget, sending one PUT: a throttled start is no failure", async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 600, method: "PUT" });
    const answer = await runs.start({});

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: "queued", attempt: 1 });
    expect(calls("PUT")).toEqual([429]);
    // Leaves the queue empty for the tests after.
    expect((await runs.cancel(answer.body.id!)).body.status).toBe("canceled");
  });

  it("queues the run again when every PUT is throttled past the budget", async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 1, method: "PUT", count: 100 });
    const impatientRuns = runsClient(impatient.url, apiKey);
    const answer = await impatientRuns.start({});

    expect(answer.body).toMatchObject({ status: "queued", attempt: 1 });
    expect(calls("PUT").every((status) => status === 429)).toBe(true);
    expect((await impatientRuns.cancel(answer.body.id!)).body.status).toBe("canceled");
  });

  describe("while a run is active", () => {
    let active: string;

    beforeAll(async () => {
      active = (await runs.start({ env: { EMULATOR_RUN_MS: "600000" } })).body.id!;
      await runs.waitFor(active, ["running"]);
      emulator.clearRequests();
    });

    it("retries a GET answered 503 and serves the run's status", async () => {
      emulator.faults.add({ status: 503, method: "GET" });
      const answer = await runs.status(active);

      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe("running");
      expect(calls("GET")).toEqual([503, 200]);
    });

    it("answers 503 ArmBusy at once when a GET is answered 503 with a Retry-After beyond the budget", async () => {
      emulator.faults.add({ status: 503, retryAfterSeconds: 600, method: "GET" });
      const answer = await runs.status(active);

      expect(answer.status).toBe(503);
      expect(answer.body.error?.code).toBe("ArmBusy");
      expect(answer.headers.get("retry-after")).toBe("600");
      expect(calls("GET")).toEqual([503]);
    });

    it("answers 502 ArmUnavailable once the SDK's retries of a GET failing with 503 run out", async () => {
      emulator.faults.add({ status: 503, method: "GET", count: 10 });
      const answer = await runs.status(active);

      expect(answer.status).toBe(502);
      expect(answer.body.error?.code).toBe("ArmUnavailable");
      expect(calls("GET")).toEqual([503, 503, 503, 503]);
    });

    it("still answers the history while ARM fails", async () => {
      emulator.faults.add({ status: 503, method: "GET", count: 100 });
      const answer = await runs.call("GET", "/runs?status=running");
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ runs: [{ id: active, status: "running" }] });
    });
  });

  it("printed neither the API key nor a token, nor ARM's error text, in either process", () => {
    for (const each of [service, impatient]) {
      expect(printedSecrets(each.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
      expect(each.output()).not.toContain("Injected fault");
    }
  });
});
