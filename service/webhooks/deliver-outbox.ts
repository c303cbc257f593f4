import { retryDelayMs, type RetryBackoff } from "../core/retry-backoff.js";
import type { Logger } from "../logger.js";
import type { RunStore, Stored, WebhookDeliveryRow } from "../store/run-store.js";
import { StoreConflict } from "../store/store-errors.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import { sendWebhook, type AttemptOutcome, type SendOptions } from "./send-webhook.js";

export interface OutboxDeps extends Omit<SendOptions, "now"> {
  store: RunStore;
  logger: Logger;
  telemetry: Telemetry;
  now: () => Date;
  /** how long after its event a delivery is retried (TRIGGER_WEBHOOK_RETRY_HOURS) */
  retryHours: number;
  /** the wait between attempts: the one backoff rule, as runs' retries use it */
  backoff: RetryBackoff;
  /** deliveries in flight at once on this replica */
  concurrency: number;
  random?: () => number;
}

/**
 * The delivery backoff of TRIGGER_WEBHOOK_BACKOFF_SECONDS: the first retry within that base (5 s
 * by default, so within 30 s as Standard Webhooks senders retry), doubling, never more than an
 * hour apart (or the base, if an operator set a longer one).
 */
export function webhookBackoff(baseSeconds: number): RetryBackoff {
  const baseMs = Math.round(baseSeconds * 1000);
  return { baseMs, capMs: Math.max(baseMs, 3_600_000) };
}

/** The attempt's claim outlasts its own timeout, so no other replica sends it while it is in flight. */
const claimMarginMs = 5_000;

/**
 * The drain every pass starts: it claims due deliveries (compare-and-set on each row) and sends
 * them detached, at most `concurrency` at once, so a slow or dead receiver never holds up a pass
 * or a dispatch. `drain()` returns at once; `idle()` waits for what is in flight (for shutdown).
 */
export function createOutboxDrain(deps: OutboxDeps) {
  const inFlight = new Map<string, Promise<void>>();
  let reading: Promise<void> | undefined;
  let again = false;

  async function deliver(row: Stored<WebhookDeliveryRow>): Promise<void> {
    const claimedAt = deps.now();
    let claimed: Stored<WebhookDeliveryRow>;
    try {
      claimed = await deps.store.replaceDelivery(row, { ...row, nextAttemptAt: new Date(claimedAt.getTime() + deps.timeoutMs + claimMarginMs).toISOString() });
    } catch (error) {
      if (error instanceof StoreConflict) return;
      throw error;
    }
    const outcome = await sendWebhook(row, { ...deps, now: deps.now });
    const ok = "status" in outcome && outcome.status >= 200 && outcome.status < 300;
    deps.telemetry.webhookAttempt(ok ? "delivered" : "failed", claimedAt.getTime() - Date.parse(row.createdAt));
    await deps.store.replaceDelivery(claimed, settled(row, outcome, claimedAt, deps));
  }

  async function readDue(): Promise<void> {
    const free = deps.concurrency - inFlight.size;
    if (free <= 0) return;
    const due = await deps.store.dueDeliveries(deps.now(), deps.concurrency);
    for (const row of due.filter((candidate) => !inFlight.has(candidate.id)).slice(0, free)) {
      const sending = deliver(row)
        .catch((error: unknown) => {
          // A lost record is harmless: the claim lapses and the event is sent again (at least once).
          if (!(error instanceof StoreConflict)) deps.logger.warn("webhook delivery failed", { runId: row.runId, eventId: row.id, err: error });
        })
        .finally(() => {
          inFlight.delete(row.id);
          drain();
        });
      inFlight.set(row.id, sending);
    }
  }

  function drain(): void {
    // A slot freed while a read is under way is filled by one more read right after it, not left idle until the next end.
    if (reading) {
      again = true;
      return;
    }
    again = false;
    reading = readDue()
      .catch((error: unknown) => deps.logger.warn("webhook outbox read failed", { err: error }))
      .finally(() => {
        reading = undefined;
        if (again) drain();
      });
  }

  async function idle(): Promise<void> {
    while (reading || inFlight.size > 0) await Promise.all([reading, ...inFlight.values()]);
  }

  return { drain, idle };
}

/** The row after an attempt: delivered on a 2xx, given up on 410 or past the retry window, else due again after the backoff. */
function settled(row: WebhookDeliveryRow, outcome: AttemptOutcome, at: Date, deps: OutboxDeps): WebhookDeliveryRow {
  const attempts = [...row.attempts, { at: at.toISOString(), ...outcome }];
  const { nextAttemptAt: _claimed, ...rest } = row;
  if ("status" in outcome && outcome.status >= 200 && outcome.status < 300) return { ...rest, attempts, state: "delivered" };
  const retryUntil = Date.parse(row.createdAt) + deps.retryHours * 3_600_000;
  const next = at.getTime() + retryDelayMs(deps.backoff, attempts.length, (deps.random ?? Math.random)());
  if (("status" in outcome && outcome.status === 410) || next > retryUntil) return { ...rest, attempts, state: "given-up" };
  return { ...rest, attempts, state: "pending", nextAttemptAt: new Date(next).toISOString() };
}
