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

/** The store could not be reached or failed; the message is safe to log (no keys, no bodies). */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
  constructor(readonly statusCode: number | undefined) {
    super(`The run store failed${statusCode ? ` (HTTP ${statusCode})` : ""}.`);
  }
}
