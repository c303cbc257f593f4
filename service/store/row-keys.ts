import { runIdTime } from "../core/run-id.js";

/**
 * Row keys of the one partition a pool keeps. Prefixes group what is read together: `d|` holds
 * what dispatch decides on: the leases and counters (one range query, as long as the pool) and
 * the queue (its head read with `$top`); `r|` holds
 * runs newest first, so the newest page is a prefix scan whatever the number of runs; `i|` holds
 * idempotency keys; `o|` webhook events by run; `w|` which replica observes each group; `t|` the retries due, by the run's
 * acceptance order.
 */
export const rowKeys = {
  counters: "d|pool",
  /** how many runs left the queue; apart from the counters, which only starts write */
  dequeued: "d|pool|dequeued",
  leasePrefix: "d|group|",
  queuePrefix: "d|queue|",
  /** the leases, the counters and the dequeued count: what a start reads, never the queue */
  poolRange: ["d|group|", "d|q"] as const,
  queueRange: ["d|queue|", "d|queue}"] as const,
  runRange: ["r|", "r}"] as const,
  idempotency: (keyHash: string) => `i|${keyHash}`,
  /** the replica observing a group (see `GroupWatch`): apart from the lease, which dispatch writes */
  watch: (group: string) => `w|${group.toLowerCase()}`,
  /** a retrying run's row, listed by every pass to find retries that are due */
  retry: (seq: number) => `t|${String(seq).padStart(15, "0")}`,
  retryRange: ["t|", "t}"] as const,
  /** a run's webhook event: its run's rows together, so a run's deliveries are one prefix read */
  delivery: (runId: string, eventId: string) => `o|${runId.toLowerCase()}|${eventId}`,
  deliveriesOf: (runId: string) => [`o|${runId.toLowerCase()}|`, `o|${runId.toLowerCase()}}`] as const,
  deliveryRange: ["o|", "o}"] as const,
  lease: (group: string) => `d|group|${group.toLowerCase()}`,
  queue: (seq: number) => `d|queue|${String(seq).padStart(15, "0")}`,
  /**
   * Newest first: the time inverted, then the id with its hex digits inverted, so of two runs
   * created in the same millisecond by one process (UUIDv7 ids count up) the later comes first.
   * Undefined for an id that is no run id of ours.
   */
  run: (id: string): string | undefined => {
    const ms = runIdTime(id);
    return ms === undefined ? undefined : `r|${invertedTime(ms)}|${invertedHex(id.toLowerCase())}`;
  },
  /** the first run row key older than `ms` */
  runsBefore: (ms: number) => `r|${invertedTime(ms)}|~`,
};

const latest = 9_999_999_999_999;

function invertedHex(id: string): string {
  return id.replace(/[0-9a-f]/g, (digit) => (15 - Number.parseInt(digit, 16)).toString(16));
}

function invertedTime(ms: number): string {
  return String(latest - ms).padStart(13, "0");
}
