/**
 * When to call the service again, in one place (the shape of ky's `retry` option): 429 and 503
 * only when they carry `Retry-After` (the service's word that a retry can succeed; a 503 without
 * it is a configuration problem that a retry would not fix), waiting exactly that long unless it
 * exceeds `maxRetryAfterMs`; network failures of reads with a doubling delay. A POST is never
 * repeated after a network failure: the service may have acted on it.
 */
export interface RetryOptions {
  /** Most retries of one call. */
  limit: number;
  /** A longer `Retry-After` is not waited out: the error is reported at once. */
  maxRetryAfterMs: number;
  /** First delay after a network failure of a read; doubles with each retry. */
  networkDelayMs: number;
}

export const defaultRetryOptions: RetryOptions = { limit: 5, maxRetryAfterMs: 60_000, networkDelayMs: 500 };

/** What one attempt came to, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: "answer"; status: number; retryAfter: string | null }
  | { kind: "network-error" };

const retryableStatuses: ReadonlySet<number> = new Set([429, 503]);

// The HTTP date format servers send (IMF-fixdate); Date.parse alone would take "-1" for a year.
const httpDate = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Milliseconds a `Retry-After` value asks for: delay-seconds or an HTTP date; undefined if unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = httpDate.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `retry` (0 for the first) of a `method` call that came
 * to `outcome`; undefined when it must not be retried.
 */
export function retryDelay(outcome: AttemptOutcome, method: string, retry: number, now: number, options: RetryOptions): number | undefined {
  if (retry >= options.limit) return undefined;
  if (outcome.kind === "network-error") return method === "GET" ? options.networkDelayMs * 2 ** retry : undefined;
  if (!retryableStatuses.has(outcome.status)) return undefined;
  const wait = retryAfterMs(outcome.retryAfter, now);
  return wait !== undefined && wait <= options.maxRetryAfterMs ? wait : undefined;
}
