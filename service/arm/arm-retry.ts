/**
 * The one retry design of every ARM call, in one object, in ky's shape: how many retries, the
 * waits between them, the longest `Retry-After` honoured, one timeout per request and one
 * deadline per call. The SDK pipeline's retry loop runs it (arm-retry-policy.ts); the start of a
 * run uses the same backoff and deadline between its PUTs (runs/dispatch.ts).
 */
export interface ArmRetryOptions {
  /** Retries of a throttled or failed request after the first try (a transitioning group: see `retryWait`). */
  limit: number;
  /** The wait before retry n (from 0) is `initialMs * 2^n`, at most `maxMs`, when ARM names none. */
  backoff: { initialMs: number; maxMs: number };
  /** The longest `Retry-After` waited out; a longer one ends the call at once, with ARM's wait for the caller. */
  maxRetryAfterMs: number;
  /** How long one HTTP request may take before it is abandoned (TRIGGER_ARM_REQUEST_TIMEOUT_MS). */
  timeoutMs: number;
  /** No try of a call starts later than this after the call began (TRIGGER_ARM_RETRY_TIMEOUT_MS). */
  deadlineMs: number;
}

/** The design with the service's settings: retries 1 s → 10 s apart, three of them for a failure. */
export function armRetryOptions(settings: { retryTimeoutMs: number; requestTimeoutMs: number }): ArmRetryOptions {
  return {
    limit: 3,
    backoff: { initialMs: 1_000, maxMs: 10_000 },
    maxRetryAfterMs: settings.retryTimeoutMs,
    timeoutMs: settings.requestTimeoutMs,
    deadlineMs: settings.retryTimeoutMs,
  };
}

/** The wait before retry `retryCount` (0 for the first) when ARM named none. */
export function backoffMs(backoff: ArmRetryOptions["backoff"], retryCount: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** retryCount);
}

// Clocks of replicas disagree a little, and ARM may still apply a PUT whose request we abandoned.
const startMarginMs = 10_000;

/**
 * How long after its claim a run's PUT may still land, so that a group without the run past it
 * means the run never started. Every PUT of a start begins before the claim plus `deadlineMs`
 * and is abandoned `timeoutMs` later at the latest; the margin covers replicas' clocks and ARM.
 */
export function startDeadlineMs(options: Pick<ArmRetryOptions, "deadlineMs" | "timeoutMs">): number {
  return options.deadlineMs + options.timeoutMs + startMarginMs;
}

/** What one try of a request came to, as far as retrying goes. */
export interface TryOutcome {
  method: string;
  /** ARM's status; undefined when no answer came (a transport error). */
  status?: number;
  /** ARM answered 409 ContainerGroupTransitioning: nothing was applied. */
  transitioning?: boolean;
  /** The wait ARM asked for. */
  retryAfterMs?: number;
}

/**
 * The wait before trying again, or undefined to give up with this outcome. Retried: a 429 (it
 * was not applied), a 503 that names its wait, no answer, 408 and other 5xx, and a stop (POST)
 * refused as transitioning — but a PUT only after a 429: each applied PUT restarts the job, so
 * an unclear outcome is settled by reading and a transitioning group by the start's own decision
 * (runs/dispatch.ts). A transitioning group is waited on until the deadline, however many tries
 * that takes, as the operation under way ends by itself; anything else at most `limit` times.
 * No wait may end past `remainingMs` (the call's deadline) or be longer than `maxRetryAfterMs`.
 */
export function retryWait(options: ArmRetryOptions, outcome: TryOutcome, retryCount: number, remainingMs: number): number | undefined {
  if (!outcome.transitioning && retryCount >= options.limit) return undefined;
  const wait = waitFor(options, outcome, retryCount);
  if (wait === undefined || wait > options.maxRetryAfterMs || wait > remainingMs) return undefined;
  return wait;
}

function waitFor(options: ArmRetryOptions, { method, status, transitioning, retryAfterMs }: TryOutcome, retryCount: number): number | undefined {
  const backoff = backoffMs(options.backoff, retryCount);
  if (status === 429) return retryAfterMs ?? backoff;
  if (method === "PUT") return undefined;
  if (transitioning) return method === "POST" ? backoff : undefined;
  if (status === 503 && retryAfterMs !== undefined) return retryAfterMs;
  if (status === undefined || status === 408 || (status >= 500 && status !== 501 && status !== 505)) return backoff;
  return undefined;
}
