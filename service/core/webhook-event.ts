import * as z from "zod";
import { runView, type RunRecord, type RunStatus, type RunView } from "./run.js";

/** The events a run's life sends, as Standard Webhooks `type`s; listed once here. */
export const webhookEventTypes = ["run.started", "run.succeeded", "run.failed", "run.canceled", "run.timed_out", "run.lost", "run.retrying"] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The Standard Webhooks payload: the run as `GET /runs/{id}` shows it when the event happened. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: RunView;
}

const eventOfStatus: Partial<Record<RunStatus, WebhookEventType>> = {
  running: "run.started",
  succeeded: "run.succeeded",
  failed: "run.failed",
  canceled: "run.canceled",
  timed_out: "run.timed_out",
  lost: "run.lost",
  retrying: "run.retrying",
};

/**
 * The event a committed transition from `before` to `after` sends, if any: a status entered, never
 * one stayed in, so replaying an observation sends nothing. Pure, so the writer can put the event's
 * outbox row in the transition's own transaction, its body frozen there.
 */
export function webhookEventOf(before: RunRecord, after: RunRecord, now: Date): WebhookPayload | undefined {
  if (before.status === after.status) return undefined;
  const type = eventOfStatus[after.status];
  return type === undefined ? undefined : { type, timestamp: now.toISOString(), data: runView(after) };
}

/** A webhook event of a run as `GET /runs/{id}/deliveries` shows it: its attempts, never a secret. */
export const deliveryViewSchema = z.object({
  id: z.string().describe("The event's `webhook-id`: the same on every attempt and redelivery."),
  type: z.enum(webhookEventTypes),
  createdAt: z.iso.datetime(),
  state: z.enum(["pending", "delivered", "given-up"]),
  nextAttemptAt: z.iso.datetime().optional(),
  attempts: z.array(z.object({ at: z.iso.datetime(), status: z.int().optional(), error: z.string().optional() })),
});

export type DeliveryView = z.infer<typeof deliveryViewSchema>;
