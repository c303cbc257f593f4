import { isRestError } from "@azure/core-rest-pipeline";

/** ARM's code for an operation sent while an earlier one on the same group is still running. */
export const transitioningCode = "ContainerGroupTransitioning";

export interface TransitioningRetryOptions {
  /** No wait may end after this time (epoch ms, on `now`'s clock). */
  deadline: number;
  /** The first wait; each next one doubles, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isTransitioning(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 409 && error.code === transitioningCode;
}

/**
 * Retries `operation` while ARM answers 409 ContainerGroupTransitioning, with doubling waits,
 * until the next wait would pass the deadline; then the last error surfaces unchanged for the
 * caller to map.
 *
 * The SDK pipeline retries throttling and transport failures itself but treats a 409 as final,
 * and Microsoft's guidance for this one is to wait and try again.
 */
export async function retryWhileTransitioning<T>(
  operation: () => Promise<T>,
  options: TransitioningRetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  let delayMs = options.initialDelayMs ?? 1_000;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      const remaining = options.deadline - now();
      if (!isTransitioning(error) || remaining < delayMs) throw error;
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}
