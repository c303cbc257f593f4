import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import { startServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "idempotency-key-0123456789";
const idempotencyKey = "nightly-2024-02-01";
const body = { env: { INPUT: "a.csv" } };

describe("Idempotency-Key through the bundle, with the state in the run store", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let runs: RunsClient;
  let firstRunId: string;

  const puts = () => emulator.requests.filter((r) => r.method === "PUT");

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey });
    ({ emulator } = trigger);
    runs = runsClient(trigger.services[0]!.url, apiKey);
  });

  afterAll(() => trigger?.close());

  it("answers a repeat of the same key and body with the same run, replayed, after exactly one PUT", async () => {
    emulator.clearRequests();
    const first = await runs.start(body, { "idempotency-key": idempotencyKey });
    const second = await runs.start(body, { "idempotency-key": idempotencyKey });

    expect(first.status).toBe(202);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("location")).toBe(`/runs/${first.body.id}`);
    expect(second.body.id).toBe(first.body.id);
    expect(puts()).toHaveLength(1);
    firstRunId = first.body.id!;
  });

  it("refuses the same key with a different body with 422 IdempotencyKeyReused and no PUT", async () => {
    emulator.clearRequests();
    const reused = await runs.start({ env: { INPUT: "b.csv" } }, { "idempotency-key": idempotencyKey });

    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: "IdempotencyKeyReused", runId: firstRunId });
    expect(puts()).toEqual([]);
  });

  it("puts nothing of the request in the group's tags but the run's id: keys and hashes stay in the store", () => {
    const stored = emulator.getStoredGroup(testSubscriptionId, testResourceGroup, "job") as { tags: Record<string, string> };
    expect(stored.tags).toEqual({ "trigger-run-id": firstRunId });
  });

  it("replays the key in a new service process, once the first one has stopped", async () => {
    await runs.waitFor(firstRunId, ["succeeded"]);
    expect(await trigger.services[0]!.stop()).toBe(0);
    trigger.services.push(await startServiceProcess(trigger.env));
    const restarted = runsClient(trigger.services[1]!.url, apiKey);
    emulator.clearRequests();

    const replayed = await restarted.start(body, { "idempotency-key": idempotencyKey });
    expect(replayed.status).toBe(202);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed.body).toMatchObject({ id: firstRunId, status: "succeeded" });
    expect(puts()).toEqual([]);

    const reused = await restarted.start({ env: { INPUT: "b.csv" } }, { "idempotency-key": idempotencyKey });
    expect(reused.body.error?.code).toBe("IdempotencyKeyReused");
  });

  it("starts a new run for a new key once the keyed run is over", async () => {
    const next = await runsClient(trigger.services[1]!.url, apiKey).start(body, { "idempotency-key": "nightly-2024-02-02" });
    expect(next.status).toBe(202);
    expect(next.body.id).not.toBe(firstRunId);
  });

  it("replays the key on another replica after many later runs", async () => {
    trigger.services.push(await startServiceProcess(trigger.env));
    const [, second, third] = trigger.services.map((service) => runsClient(service.url, apiKey));
    for (let i = 0; i < 6; i += 1) {
      const later = await second!.start({ env: { LATER: String(i) } });
      expect(later.status).toBe(202);
      await second!.waitFor(later.body.id!, ["succeeded"]);
    }
    emulator.clearRequests();
    const [fromSecond, fromThird] = await Promise.all([
      second!.start(body, { "idempotency-key": idempotencyKey }),
      third!.start(body, { "idempotency-key": idempotencyKey }),
    ]);
    expect(fromSecond.body.id).toBe(firstRunId);
    expect(fromThird.body.id).toBe(firstRunId);
    expect(puts()).toEqual([]);
  });

  it("printed neither the API key, the idempotency key nor a token in any process", () => {
    for (const service of trigger.services) {
      expect(printedSecrets(service.output(), { apiKey, idempotencyKey, identityHeader: emulator.identityHeader })).toEqual([]);
    }
  });
});
