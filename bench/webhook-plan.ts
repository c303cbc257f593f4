import type { WebhookPlan } from "./webhook-delivery.js";

/** The webhook phase's counts, shared by `npm run bench` and its webhook-only entry. */
export const webhookPlan: WebhookPlan = { latencyRuns: 50, latencyReconcileIntervalMs: 100, deliveries: 2_000, receiverMs: 50 };
