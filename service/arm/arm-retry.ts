/**
 * The one retry design of every ARM call, in one object, in ky's shape: how many retries, the
 * waits between them, the longest `Retry-After` honoured, one timeout per request and one
 * deadline per call. The SDK pipeline's retry loop runs it (arm-retry-policy.ts); the start of a
 * run uses the same backoff and deadline between its PUTs (runs/dispatch.ts).
 */
export interface ArmRetryOptions {
  /** Retries of a throttled or failed request after the first try. */
  limit: number;
  /** Statuses that say the request was not applied: retried whatever the method, PUT included. */
  notAppliedStatusCodes: readonly number[];
  /** Statuses retried for `methods` only, as is a request that got no answer. */
  statusCodes: readonly number[];
  /** Methods safe to resend whatever came of them: a read, a stop, a delete. Never PUT: each applied PUT restarts the job. */
  methods: readonly string[];
  /**
   * Methods retried while ARM answers 409 ContainerGroupTransitioning, until the deadline however
   * many tries that takes (the operation under way ends by itself). A PUT's is decided by the
   * start, which reads the group first (runs/dispatch.ts).
   */
  transitioningMethods: readonly string[];
  /** The wait before retry n (from 0) is `initialMs * 2^n`, at most `maxMs`, when ARM names none. */
  backoff: { initialMs: number; maxMs: number };
  /** The longest `Retry-After` waited out; a longer one ends the call at once, with ARM's wait for the caller. */
  maxRetryAfterMs: number;
  /** How long one HTTP request may take before it is abandoned (TRIGGER_ARM_REQUEST_TIMEOUT_MS). */
  timeoutMs: number;
  /** No try of a call starts later than this after the call began (TRIGGER_ARM_RETRY_TIMEOUT_MS). */
  deadlineMs: number;
}

/** The design with the service's two settings: three retries 1 s → 10 s apart for a failure. */
export function armRetryOptions(settings: { retryTimeoutMs: number; requestTimeoutMs: number }): ArmRetryOptions {
  return {
    limit: 3,
    notAppliedStatusCodes: [429],
    statusCodes: [408, 500, 502, 503, 504],
    methods: ["GET", "POST", "DELETE"],
    transitioningMethods: ["POST"],
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
 * The wait before trying again, or undefined to give up with this outcome: ARM's `Retry-After`
 * if it named one, else the backoff. No wait may end past `remainingMs` (what is left of the
 * call's deadline) or be longer than `maxRetryAfterMs`.
 */
export function retryWait(options: ArmRetryOptions, outcome: TryOutcome, retryCount: number, remainingMs: number): number | undefined {
  const wait = waitFor(options, outcome, retryCount);
  if (wait === undefined || wait > options.maxRetryAfterMs || wait > remainingMs) return undefined;
  return wait;
}

function waitFor(options: ArmRetryOptions, { method, status, transitioning, retryAfterMs }: TryOutcome, retryCount: number): number | undefined {
  const wait = retryAfterMs ?? backoffMs(options.backoff, retryCount);
  if (transitioning) return options.transitioningMethods.includes(method) ? wait : undefined;
  if (retryCount >= options.limit) return undefined;
  if (status !== undefined && options.notAppliedStatusCodes.includes(status)) return wait;
  if (!options.methods.includes(method)) return undefined;
  return status === undefined || options.statusCodes.includes(status) ? wait : undefined;
}
