import { retryBackoffCapFactor, type RetryBackoff } from "./retry-backoff.js";

/** What a run gets when its request does not say, and the limits every run has (from config). */
export interface RunDefaults {
  /** TRIGGER_DEFAULT_TIMEOUT_SECONDS; unset: a run may run for ever */
  timeoutSeconds?: number;
  /** TRIGGER_DEFAULT_MAX_RETRIES */
  maxRetries: number;
  /** TRIGGER_START_TIMEOUT_SECONDS: from dispatch to running */
  startTimeoutSeconds: number;
  /** TRIGGER_RETRY_BACKOFF_SECONDS: the first retry's wait before jitter */
  retryBackoffSeconds: number;
}

/** The backoff of `defaults`: its base, doubling to a cap of `retryBackoffCapFactor` times it. */
export function retryBackoffOf(defaults: Pick<RunDefaults, "retryBackoffSeconds">): RetryBackoff {
  const baseMs = defaults.retryBackoffSeconds * 1000;
  return { baseMs, capMs: baseMs * retryBackoffCapFactor };
}
