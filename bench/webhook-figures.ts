import { summarize, type Summary } from "./stats.js";

/** One delivery as the bench's receiver took it. */
export interface ReceivedDelivery {
  /** the `webhook-id` */
  id: string;
  /** the run the event is about (`data.id`) */
  runId: string;
  /** the event's `timestamp`: when the writer decided the transition it commits with the run */
  eventAtMs: number;
  /** when the receiver had the whole request, on the same wall clock */
  receivedAtMs: number;
}

/** From each run's end being recorded to its event's first arrival, ms; one sample per run. */
export function endToReceivedMs(received: readonly ReceivedDelivery[]): Summary {
  const first = new Map<string, ReceivedDelivery>();
  for (const delivery of received) {
    const earlier = first.get(delivery.runId);
    if (!earlier || delivery.receivedAtMs < earlier.receivedAtMs) first.set(delivery.runId, delivery);
  }
  return summarize([...first.values()].map((delivery) => delivery.receivedAtMs - delivery.eventAtMs));
}

export interface DeliveryRate {
  /** distinct webhook-ids received */
  deliveries: number;
  /** arrivals beyond the first of an id (at least once allows them) */
  repeats: number;
  /** first arrival to last */
  durationMs: number;
  /** distinct deliveries per second over that span: the first arrival opens it, so it counts n - 1 */
  perSecond: number;
}

/** How fast distinct events arrived, from the first arrival to the last. */
export function deliveryRate(received: readonly ReceivedDelivery[]): DeliveryRate {
  if (received.length < 2) throw new Error("a delivery rate needs at least two arrivals");
  const ids = new Set(received.map((delivery) => delivery.id));
  const times = received.map((delivery) => delivery.receivedAtMs);
  const durationMs = Math.max(...times) - Math.min(...times);
  return { deliveries: ids.size, repeats: received.length - ids.size, durationMs, perSecond: ((ids.size - 1) / durationMs) * 1000 };
}
