import { afterEach, describe, expect, it } from "vitest";
import { newRunId } from "../../service/core/run-id.js";
import { createLogger } from "../../service/logger.js";
import { applyTransition, type WebhookTarget, type WriterDeps } from "../../service/runs/apply-transition.js";
import type { RunStore } from "../../service/store/run-store.js";
import { noTelemetry } from "../../service/telemetry/telemetry.js";
import { createRunDeliveries } from "../../service/runs/run-deliveries.js";
import { createOutboxDrain, type OutboxDeps } from "../../service/webhooks/deliver-outbox.js";
import { testStore } from "../helpers/store.js";
import { bodiesById, startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";

const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
const rotated = `whsec_${Buffer.alloc(24, 9).toString("base64")}`;
const logger = createLogger({ level: "error", write: () => {} });

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((hook) => hook.close()));
});

/** A local HTTPS receiver checking each delivery with standardwebhooks' own `verify`, answering `statuses` in turn (then 200). */
async function receiver(statuses: number[] = []): Promise<WebhookReceiver> {
  const hook = await startWebhookReceiver(secret, () => statuses.shift() ?? 200);
  receivers.push(hook);
  return hook;
}

function writer(store: RunStore, target: WebhookTarget): WriterDeps {
  return { store, logger, telemetry: noTelemetry, now: () => new Date(), startDeadlineMs: 50_000, webhook: target };
}

function drainOf(store: RunStore, url: string, listed = true): OutboxDeps {
  return {
    store,
    logger,
    telemetry: noTelemetry,
    now: () => new Date(),
    secrets: [secret, rotated],
    timeoutMs: 2_000,
    listedOrigins: new Set(listed ? [new URL(url).origin] : []),
    retryHours: 1,
    backoff: { baseMs: 1, capMs: 5 },
    concurrency: 4,
  };
}

/** Accepts a run (with its own URL, if given) into the queue and cancels it: the transition writes its `run.canceled` event. */
async function canceledRun(store: RunStore, target: string | WebhookTarget, webhookUrl?: string): Promise<string> {
  const view = await store.view();
  const now = new Date();
  const run = await store.enqueue(view, {
    id: newRunId(now),
    status: "queued",
    env: {},
    createdAt: now.toISOString(),
    requestHash: "a".repeat(64),
    seq: view.counters.seq + 1,
    ...(webhookUrl ? { webhookUrl } : {}),
  });
  await applyTransition(writer(store, typeof target === "string" ? { url: target } : target), run, { kind: "cancel-requested" });
  return run.id;
}

/** Drains until every event of `runIds` is settled: decided on the store's state, never on time. */
async function drainUntilSettled(store: RunStore, runIds: string[], drains: Array<ReturnType<typeof createOutboxDrain>>): Promise<void> {
  for (;;) {
    const rows = (await Promise.all(runIds.map((id) => store.deliveries(id)))).flat();
    if (rows.length > 0 && rows.every((row) => row.state !== "pending")) return;
    for (const drain of drains) drain.drain();
    await Promise.all(drains.map((drain) => drain.idle()));
  }
}

describe("webhook deliveries from the outbox", () => {
  it("delivers a final event signed, under one id and one body across a receiver's three failures", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const hook = await receiver([500, 503, 502]);
    const runId = await canceledRun(store, hook.url);
    await drainUntilSettled(store, [runId], [createOutboxDrain(drainOf(store, hook.url))]);

    expect(hook.received).toHaveLength(4);
    expect(hook.received.every((delivery) => delivery.verified)).toBe(true);
    expect(new Set(hook.received.map((delivery) => delivery.id)).size).toBe(1);
    expect(new Set(hook.received.map((delivery) => delivery.body)).size).toBe(1);
    const body = JSON.parse(hook.received[0]!.body) as { type: string; data: { id: string; status: string } };
    expect(body).toMatchObject({ type: "run.canceled", data: { id: runId, status: "canceled" } });
    const [row] = await store.deliveries(runId);
    expect(row).toMatchObject({ state: "delivered", attempts: [{ status: 500 }, { status: 503 }, { status: 502 }, { status: 200 }] });
  });

  it("continues after a restart: a new drain on the same store delivers what the first left pending", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const hook = await receiver([500]);
    const runId = await canceledRun(store, hook.url);
    // The first process waits a minute before its retry, and stops before then.
    const first = createOutboxDrain({ ...drainOf(store, hook.url), backoff: { baseMs: 60_000, capMs: 60_000 } });
    first.drain();
    await first.idle();
    expect((await store.deliveries(runId))[0]).toMatchObject({ state: "pending", attempts: [{ status: 500 }] });
    // The next process starts after the retry is due (its clock two minutes on).
    const later = { ...drainOf(store, hook.url), now: () => new Date(Date.now() + 120_000) };
    await drainUntilSettled(store, [runId], [createOutboxDrain(later)]);
    expect(hook.received.map((delivery) => delivery.id)).toEqual([hook.received[0]!.id, hook.received[0]!.id]);
  });

  it("two drains on one store deliver every event, and no id carries two bodies", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const hook = await receiver();
    const runIds: string[] = [];
    for (let i = 0; i < 5; i += 1) runIds.push(await canceledRun(store, hook.url));
    await drainUntilSettled(store, runIds, [createOutboxDrain(drainOf(store, hook.url)), createOutboxDrain(drainOf(store, hook.url))]);
    const bodies = bodiesById(hook.received);
    expect(bodies.size).toBe(5);
    expect([...bodies.values()].every((set) => set.size === 1)).toBe(true);
  });

  it("never contacts a loopback receiver whose origin is not listed", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const hook = await receiver();
    const runId = await canceledRun(store, hook.url);
    const deps = { ...drainOf(store, hook.url, false), retryHours: 0 };
    await drainUntilSettled(store, [runId], [createOutboxDrain(deps)]);
    expect(hook.received).toHaveLength(0);
    const [row] = await store.deliveries(runId);
    expect(row).toMatchObject({ state: "given-up", attempts: [{ error: expect.stringMatching(/internal address/) }] });
  });

  it("lists a run's events with their attempts, and an operator's redelivery sends the same id and body again", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const hook = await receiver([500]);
    const runId = await canceledRun(store, hook.url);
    const drain = createOutboxDrain(drainOf(store, hook.url));
    await drainUntilSettled(store, [runId], [drain]);
    const deliveries = createRunDeliveries({ store, now: () => new Date() });
    const [event] = await deliveries.list(runId);
    expect(event).toMatchObject({ type: "run.canceled", state: "delivered", attempts: [{ status: 500 }, { status: 200 }] });
    expect(JSON.stringify(event)).not.toContain("whsec_");

    expect(await deliveries.redeliver(runId, event!.id)).toMatchObject({ id: event!.id, state: "pending" });
    await drainUntilSettled(store, [runId], [drain]);
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((delivery) => `${delivery.id} ${delivery.body}`)).size).toBe(1);
    await expect(deliveries.redeliver(runId, "msg_unknown")).rejects.toMatchObject({ code: "DeliveryNotFound" });
  });
});

describe("a run's own webhook URL", () => {
  it("gets the run's events beside the service's receiver: a row and an id each, the same body", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const operator = await receiver([500]);
    const caller = await receiver();
    const runId = await canceledRun(store, { url: operator.url, allowedOrigins: new Set([operator.origin, caller.origin]) }, caller.url);
    const drain = createOutboxDrain({ ...drainOf(store, operator.url), listedOrigins: new Set([operator.origin, caller.origin]) });
    await drainUntilSettled(store, [runId], [drain]);

    expect(caller.received).toHaveLength(1);
    expect(operator.received).toHaveLength(2);
    expect([...caller.received, ...operator.received].every((delivery) => delivery.verified)).toBe(true);
    expect(caller.received[0]!.id).not.toBe(operator.received[0]!.id);
    expect(caller.received[0]!.body).toBe(operator.received[0]!.body);
    expect(JSON.parse(caller.received[0]!.body)).toMatchObject({ type: "run.canceled", data: { id: runId, webhookUrl: caller.url } });
    const rows = await store.deliveries(runId);
    expect(rows.map((row) => [row.url, row.state]).sort()).toEqual([[caller.url, "delivered"], [operator.url, "delivered"]].sort());
  });

  it("sends the types TRIGGER_WEBHOOK_EVENTS lists to both, and once when it is the service's own URL", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const filtered = await canceledRun(store, { url: "https://operator.example/hook", events: new Set(["run.succeeded"]) }, "https://caller.example/hook");
    expect(await store.deliveries(filtered)).toEqual([]);
    const same = await canceledRun(store, { url: "https://operator.example/hook" }, "https://operator.example/hook");
    expect((await store.deliveries(same)).map((row) => row.url)).toEqual(["https://operator.example/hook"]);
    const onlyOwn = await canceledRun(store, { allowedOrigins: new Set(["https://caller.example"]) }, "https://caller.example/hook");
    expect((await store.deliveries(onlyOwn)).map((row) => row.url)).toEqual(["https://caller.example/hook"]);
  });

  it("is checked at send time like every URL: one whose origin is no longer listed never reaches a loopback receiver", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const caller = await receiver();
    const runId = await canceledRun(store, { allowedOrigins: new Set([caller.origin]) }, caller.url);
    // The operator took the origin off the list after the run was accepted.
    const deps = { ...drainOf(store, caller.url, false), retryHours: 0 };
    await drainUntilSettled(store, [runId], [createOutboxDrain(deps)]);
    expect(caller.received).toHaveLength(0);
    expect((await store.deliveries(runId))[0]).toMatchObject({ url: caller.url, state: "given-up", attempts: [{ error: expect.stringMatching(/internal address/) }] });
  });
});
