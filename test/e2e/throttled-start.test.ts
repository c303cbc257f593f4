import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { eventually } from "../helpers/emulator.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "throttled-start-key-0123456789";

describe("a start ARM throttles past its budget goes back to the queue (the creates quota)", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let runs: RunsClient;

  const puts = () => emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status);

  beforeAll(async () => {
    // A start waits out a 429 for 1 s; ARM asks for 2 s: every throttled PUT outlasts the budget.
    trigger = await startTrigger({ apiKey, services: [{ TRIGGER_ARM_RETRY_TIMEOUT_MS: "1000", TRIGGER_RECONCILE_INTERVAL_MS: "200" }] });
    ({ emulator } = trigger);
    runs = runsClient(trigger.services[0]!.url, apiKey);
  });

  afterAll(() => trigger?.close());

  it("queues the throttled run again instead of failing it, keeps its place ahead of a later run, and starts each with one applied PUT", async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 2, method: "PUT", count: 1000 });
    const first = await runs.start({});
    expect(first.status).toBe(202);
    expect(first.body.status).toBe("queued");
    expect(puts()).toEqual([429]);
    const second = await runs.start({});
    expect(second.body.status).toBe("queued");

    // The loop tries the head again once ARM's wait has passed, is throttled again, and queues it again.
    await eventually(async () => puts(), (statuses) => statuses.length >= 2, 20_000);
    const again = await runs.waitFor(first.body.id!, ["queued", "failed"]);
    expect(again.body).toMatchObject({ status: "queued", attempt: 1 });
    expect((await runs.status(second.body.id!)).body.status).toBe("queued");

    emulator.faults.clear();
    const done = await runs.waitFor(first.body.id!, ["succeeded", "failed"]);
    expect(done.body.status).toBe("succeeded");
    expect(done.body.attempts).toHaveLength(1);
    const later = await runs.waitFor(second.body.id!, ["succeeded", "failed"]);
    expect(later.body.status).toBe("succeeded");
    // One group: the run behind started only after the throttled one had ended.
    expect(Date.parse(later.body.startedAt!)).toBeGreaterThanOrEqual(Date.parse(done.body.finishedAt!));
    expect(puts().filter((status) => status < 300)).toHaveLength(2);
  });
});
