import { AsyncLocalStorage } from "node:async_hooks";
import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";

/** Thrown inside the pipeline when ARM asks for a wait that would pass the call's deadline. */
export class RetryAfterTooLongError extends Error {
  override readonly name = "RetryAfterTooLongError";
  constructor(
    readonly response: PipelineResponse,
    readonly retryAfterSeconds: number,
  ) {
    super(`ARM asked to retry after ${retryAfterSeconds} s`);
  }
}

/**
 * The deadline (epoch ms) of the ARM call in progress. The SDK builds its requests inside its
 * own methods, so the deadline reaches the pipeline policy through the async context instead of
 * through the request.
 */
export const armCallDeadline = new AsyncLocalStorage<number>();

/** Seconds of a `Retry-After` header (delta seconds or an HTTP date), if it has one. */
export function retryAfterSeconds(response: PipelineResponse, now = Date.now()): number | undefined {
  const ms = response.headers.get("retry-after-ms") ?? response.headers.get("x-ms-retry-after-ms");
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.ceil(Number(ms) / 1000);
  const value = response.headers.get("retry-after");
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

/**
 * A per-retry pipeline policy that stops the SDK's throttling retry from sleeping past the
 * call's deadline (`armCallDeadline`): a 429 or 503 whose `Retry-After` would end after it is
 * turned into an error the retry policy does not catch, so the caller can answer 503 with that
 * `Retry-After` at once instead of holding the HTTP request open while ARM's waits add up.
 * A call made outside a deadline keeps the SDK's own behaviour.
 */
export function retryAfterCapPolicy(now: () => number = Date.now): PipelinePolicy {
  return {
    name: "retryAfterCapPolicy",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status === 429 || response.status === 503) {
        const seconds = retryAfterSeconds(response);
        const deadline = armCallDeadline.getStore();
        if (seconds !== undefined && deadline !== undefined && now() + seconds * 1000 > deadline) {
          throw new RetryAfterTooLongError(response, seconds);
        }
      }
      return response;
    },
  };
}
