import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "transitioning-key-0123456789";
// The service retries a transitioning group after 1 s, then 2 s: 3.5 s allows two retries, and
// a second service with 1.5 s gives up after one, to keep the persistent case short.
const retryBudgetMs = 3500;
const shortBudgetMs = 1500;

describe("a transitioning group and dropped connections, seen by the bundle", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let impatient: ServiceProcess;
  let runs: RunsClient;

  const calls = (method: string) => emulator.requests.filter((r) => r.method === method).map((r) => r.status);
  const storedRunId = () =>
    (emulator.getStoredGroup(testSubscriptionId, testResourceGroup, "job") as { tags?: Record<string, string> }).tags?.["trigger-run-id"];

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

  it("retries a PUT refused twice with 409 ContainerGroupTransitioning and accepts the run", async () => {
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "PUT", count: 2 });
    const answer = await runs.start({});

    expect(answer.status).toBe(202);
    expect(calls("PUT")).toEqual([409, 409, 200]);
    expect(storedRunId()).toBe(answer.body.id);
    await runs.waitFor(answer.body.id!, ["succeeded"]);
  });

  it("answers 503 ArmBusy with a Retry-After within the budget while the group stays transitioning", async () => {
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "PUT", count: 100 });
    const before = storedRunId();
    const started = performance.now();
    const answer = await runsClient(impatient.url, apiKey).start({});

    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("ArmBusy");
    expect(answer.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(performance.now() - started).toBeLessThan(shortBudgetMs + 1000);
    expect(calls("PUT").length).toBeGreaterThanOrEqual(1);
    expect(calls("PUT").every((status) => status === 409)).toBe(true);
    expect(storedRunId()).toBe(before);
  });

  it("retries a stop refused once as transitioning and cancels the run", async () => {
    const started = await runs.start({ env: { EMULATOR_RUN_MS: "5000" } });
    await runs.waitFor(started.body.id!, ["running"]);
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "POST", path: "/stop" });

    const canceled = await runs.cancel(started.body.id!);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");
    expect(calls("POST")).toEqual([409, 204]);
  });

  it("retries a PUT whose connection dropped before ARM handled it, and starts exactly one run", async () => {
    emulator.faults.add({ drop: true, method: "PUT" });
    const answer = await runs.start({ env: { AFTER: "drop" } });

    expect(answer.status).toBe(202);
    // The emulator drops the socket before handling the PUT (status 0), so the SDK's retry of the
    // transport error is the only PUT that reached the group.
    expect(calls("PUT")).toEqual([0, 200]);
    expect(storedRunId()).toBe(answer.body.id);
    await runs.waitFor(answer.body.id!, ["succeeded"]);
  });

  it("printed neither the API key nor a token, nor ARM's error text, in either process", () => {
    for (const each of [service, impatient]) {
      expect(printedSecrets(each.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
      expect(each.output()).not.toContain("is still transitioning");
    }
  });
});
