import { ServiceError } from "../core/service-error.js";

/**
 * A compare-and-set lost: a record changed since it was read (ETag mismatch) or was created by
 * someone else first. The caller reads again and decides again.
 */
export class StoreConflict extends Error {
  override readonly name = "StoreConflict";
  constructor(readonly reason: "changed" | "exists") {
    super(reason === "changed" ? "A store record changed since it was read." : "A store record already exists.");
  }
}

/** The idempotency key was already used: `runId` is the run it started. */
export class IdempotencyKeyTaken extends Error {
  override readonly name = "IdempotencyKeyTaken";
  constructor(readonly runId: string) {
    super("The idempotency key was already used.");
  }
}

// The table client has already retried by the time the store is reported down: callers wait a
// few seconds, long enough for a blip to pass, short enough that a start is not put off for long.
const storeRetryAfterMs = 5_000;

/**
 * The store could not be reached or failed. A domain error callers see as it is: the message is
 * safe to show and log (no keys, no bodies); `statusCode` is the Tables service's, for logs only.
 */
export class StoreUnavailable extends ServiceError {
  override readonly name = "StoreUnavailable";
  constructor(readonly statusCode: number | undefined) {
    super("StoreUnavailable", "The run store failed or could not be reached.", { retryAfterMs: storeRetryAfterMs });
  }
}
