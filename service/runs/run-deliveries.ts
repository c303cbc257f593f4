import { ServiceError } from "../core/service-error.js";
import type { DeliveryView, WebhookEventType } from "../core/webhook-event.js";
import type { RunStore, WebhookDeliveryRow } from "../store/run-store.js";

/** A run's webhook events, and an operator's redelivery of one. */
export interface RunDeliveries {
  list(runId: string): Promise<DeliveryView[]>;
  /** Sends the event again, under its own id and body, on the next drain. */
  redeliver(runId: string, eventId: string): Promise<DeliveryView>;
}

function viewOf(row: WebhookDeliveryRow): DeliveryView {
  return {
    id: row.id,
    type: row.type as WebhookEventType,
    createdAt: row.createdAt,
    state: row.state,
    ...(row.nextAttemptAt && row.state === "pending" ? { nextAttemptAt: row.nextAttemptAt } : {}),
    attempts: row.attempts,
  };
}

export function createRunDeliveries(deps: { store: RunStore; now: () => Date }): RunDeliveries {
  async function rowsOf(runId: string) {
    if (!(await deps.store.getRun(runId))) throw new ServiceError("RunNotFound", `No run ${runId} is known.`);
    return deps.store.deliveries(runId);
  }
  return {
    list: async (runId) => (await rowsOf(runId)).map(viewOf),
    redeliver: async (runId, eventId) => {
      const row = (await rowsOf(runId)).find((candidate) => candidate.id === eventId);
      if (!row) throw new ServiceError("DeliveryNotFound", `Run ${runId} has no webhook event ${eventId}.`);
      // A compare-and-set like every attempt: a conflict is an attempt in flight, answered as a store conflict.
      const stored = await deps.store.replaceDelivery(row, { ...row, state: "pending", nextAttemptAt: deps.now().toISOString() });
      return viewOf(stored);
    },
  };
}
