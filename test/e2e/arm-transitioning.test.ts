import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "transitioning-key-0123456789";
// The service waits 1 s, then 2 s, then 4 s between tries of a transitioning group: a 30 s budget
// lets the retries happen however slow the machine; the impatient service's 4 s gives up before
// the third wait, and is long enough for any single read on a loaded machine.
const quiet = { TRIGGER_RECONCILE_INTERVAL_MS: "600000" };

describe("a transitioning group and lost PUT answers, seen by the bundle", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let impatient: ServiceProcess;
  let runs: RunsClient;

  const calls = (method: string) => emulator.requests.filter((r) => r.method === method).map((r) => r.status);
  const storedRunId = () =>
    (emulator.getStoredGroup(testSubscriptionId, testResourceGroup, "job") as { tags?: Record<string, string> }).tags?.["trigger-run-id"];

  beforeAll(async () => {
    trigger = await startTrigger({
      apiKey,
      services: [{ ...quiet, TRIGGER_ARM_RETRY_TIMEOUT_MS: "30000" }, { ...quiet, TRIGGER_ARM_RETRY_TIMEOUT_MS: "4000" }],
    });
    ({ emulator } = trigger);
    [service, impatient] = trigger.services as [ServiceProcess, ServiceProcess];
    runs = runsClient(service.url, apiKey);
  });

  afterEach(async () => {
    emulator.faults.clear();
    emulator.clearRequests();
  });

  afterAll(() => trigger?.close());

  it("reads the group after a PUT refused as transitioning, tries again, and accepts the run", async () => {
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "PUT", count: 2 });
    const answer = await runs.start({});

    expect(answer.status).toBe(202);
    expect(calls("PUT")).toEqual([409, 409, 200]);
    expect(storedRunId()).toBe(answer.body.id);
    await runs.waitFor(answer.body.id!, ["succeeded"]);
  });

  it("answers 503 ArmBusy with a Retry-After while the group stays transitioning, and records the run as not started", async () => {
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "PUT", count: 100 });
    const before = storedRunId();
    const answer = await runsClient(impatient.url, apiKey).start({});

    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("ArmBusy");
    expect(answer.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(calls("PUT").every((status) => status === 409)).toBe(true);
    expect(storedRunId()).toBe(before);
    const listed = await runs.call("GET", "/runs?limit=1");
    expect(listed.body).toMatchObject({ runs: [{ status: "failed" }] });
  });

  it("retries a stop refused once as transitioning and cancels the run", async () => {
    const started = await runs.start({ env: { EMULATOR_RUN_MS: "600000" } });
    await runs.waitFor(started.body.id!, ["running"]);
    emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "POST", path: "/stop" });

    const canceled = await runs.cancel(started.body.id!);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");
    expect(calls("POST")).toEqual([409, 204]);
  });

  it("never resends a PUT whose answer was lost after ARM applied it: it reads the group and answers 202", async () => {
    emulator.faults.add({ drop: true, afterApply: true, method: "PUT" });
    const answer = await runs.start({ env: { AFTER: "drop" } });

    expect(answer.status).toBe(202);
    expect(calls("PUT")).toEqual([0]);
    expect(storedRunId()).toBe(answer.body.id);
    await runs.waitFor(answer.body.id!, ["succeeded"]);
    expect(calls("PUT")).toEqual([0]);
  });

  it("never resends a PUT answered 500 after ARM applied it: it reads the group and answers 202", async () => {
    emulator.faults.add({ status: 500, afterApply: true, method: "PUT" });
    const answer = await runs.start({ env: { AFTER: "500" } });

    expect(answer.status).toBe(202);
    expect(calls("PUT")).toEqual([500]);
    expect(storedRunId()).toBe(answer.body.id);
    await runs.waitFor(answer.body.id!, ["succeeded"]);
  });

  it("answers 502 when a PUT's connection dropped before ARM applied it, and the store says the run did not start", async () => {
    const before = storedRunId();
    emulator.faults.add({ drop: true, method: "PUT" });
    const answer = await runs.start({ env: { AFTER: "lost" } });

    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe("ArmUnavailable");
    expect(calls("PUT")).toEqual([0]);
    expect(storedRunId()).toBe(before);
    const listed = await runs.call("GET", "/runs?limit=1");
    expect(listed.body).toMatchObject({ runs: [{ env: { AFTER: "lost" }, status: "failed" }] });
    expect((await runs.start({})).status).toBe(202);
  });

  it("printed neither the API key nor a token, nor ARM's error text, in either process", () => {
    for (const each of [service, impatient]) {
      expect(printedSecrets(each.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
      expect(each.output()).not.toContain("is still transitioning");
    }
  });
});
