/** At most this many retries (as Cloud Run Jobs allow): the run's entity keeps every attempt, and stays small. */
export const maxRetriesCap = 10;

/** How long a failed attempt waits before the next one joins the queue. */
export interface RetryBackoff {
  /** the wait after the first failure, before jitter (TRIGGER_RETRY_BACKOFF_SECONDS) */
  baseMs: number;
  /** no wait is longer than this, jitter included */
  capMs: number;
}

/** Waits double per failure until the cap: ten retries of a 10 s base would otherwise reach 85 min. */
export const retryBackoffCapFactor = 32;

/**
 * The wait after failed attempt `attempt` (1 for the first): exponential, base·2^(attempt-1),
 * capped, with "full jitter" — a uniform share of it drawn from `random` (a value in [0, 1)) —
 * so that runs failing together do not all come back at once. `random` is a parameter so the
 * wait is a pure function of it; half of the wait is kept, so a retry never comes back at once.
 */
export function retryDelayMs(backoff: RetryBackoff, attempt: number, random: number): number {
  const exponential = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const share = Math.min(Math.max(random, 0), 1);
  return Math.round(exponential / 2 + (exponential / 2) * share);
}
