import { isHTTPError, isNetworkError, type RetryOptions as KyRetryOptions } from "ky";

/**
 * When to call the service again, in one place; ky applies it. 429 and 503 only when they carry
 * `Retry-After` (the service's word that a retry can succeed; a 503 without it is a configuration
 * problem that a retry would not fix), waiting exactly that long, for any method; network failures
 * of reads with a doubling delay. A POST is never repeated after a network failure (the service
 * may have acted on it), and no call after a timeout.
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

const retryableStatuses = [429, 503];

/**
 * The service says `Retry-After` in delay-seconds (its OpenAPI document: an integer). ky reads the
 * header and waits; this only refuses what the policy does not wait for: no header, another form,
 * or more than the bound (ky would shorten that wait to the bound, and the call would likely be
 * refused again, so the caller hears the service's answer at once instead).
 */
function retryAfterWithin(headers: Headers, maxMs: number): boolean {
  const value = headers.get("retry-after")?.trim();
  return value !== undefined && /^\d+$/.test(value) && Number(value) * 1000 <= maxMs;
}

/** The policy as ky's `retry` option. */
export function kyRetry(options: RetryOptions): KyRetryOptions {
  return {
    limit: options.limit,
    methods: ["get", "post"],
    statusCodes: retryableStatuses,
    afterStatusCodes: retryableStatuses,
    maxRetryAfter: options.maxRetryAfterMs,
    delay: (attempt) => options.networkDelayMs * 2 ** (attempt - 1),
    // `false` vetoes; `undefined` leaves the decision (statuses, Retry-After, network errors) to ky.
    shouldRetry: ({ error }) => {
      if (isHTTPError(error)) return retryAfterWithin(error.response.headers, options.maxRetryAfterMs) ? undefined : false;
      if (isNetworkError(error) && error.request.method !== "GET") return false;
      return undefined;
    },
  };
}
