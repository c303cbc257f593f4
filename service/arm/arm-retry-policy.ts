import { AsyncLocalStorage } from "node:async_hooks";
import { retryPolicy, type PipelinePolicy, type PipelineResponse, type RetryStrategy } from "@azure/core-rest-pipeline";
import { isTransitioning, restErrorOf } from "./arm-errors.js";
import { retryWait, type ArmRetryOptions } from "./arm-retry.js";
import { retryAfterMs } from "./retry-after.js";

/**
 * The deadline (epoch ms) of the port call in progress. The SDK builds its requests inside its
 * own methods, so the deadline reaches the retry policy through the async context.
 */
export const armCallDeadline = new AsyncLocalStorage<number>();

function tryOutcome(method: string, response: PipelineResponse | undefined) {
  if (!response) return { method };
  const wait = retryAfterMs(response);
  return {
    method,
    status: response.status,
    ...(response.status === 409 && isTransitioning(restErrorOf(response)) ? { transitioning: true } : {}),
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
}

/**
 * The SDK pipeline's retry policy, deciding by `retryWait`: it replaces the client's default
 * retry, so every ARM request is retried by one loop under one design. Giving up returns the
 * last answer (or throws the last transport error) for the port to map.
 */
export function armRetryPolicy(options: ArmRetryOptions, now: () => number = Date.now): PipelinePolicy {
  const strategy: RetryStrategy = {
    name: "armRetryStrategy",
    retry({ retryCount, response, responseError }) {
      // A request of unknown method is not resent: it might be a PUT.
      const method = response?.request.method ?? responseError?.request?.method;
      if (method === undefined) return { skipStrategy: true };
      const remainingMs = (armCallDeadline.getStore() ?? Number.POSITIVE_INFINITY) - now();
      const wait = retryWait(options, tryOutcome(method, response), retryCount, remainingMs);
      return wait === undefined ? { skipStrategy: true } : { retryAfterInMs: wait };
    },
  };
  // The strategy counts the retries itself (a transitioning group is not held to `limit`).
  return retryPolicy([strategy], { maxRetries: Number.POSITIVE_INFINITY });
}
