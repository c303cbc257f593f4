import type { PipelineResponse } from "@azure/core-rest-pipeline";

/**
 * The wait ARM asks for, in ms: `retry-after-ms` / `x-ms-retry-after-ms`, else `Retry-After` as
 * delta seconds or an HTTP date; undefined when there is none or it cannot be read.
 */
export function retryAfterMs(response: PipelineResponse, now = Date.now()): number | undefined {
  const ms = response.headers.get("retry-after-ms") ?? response.headers.get("x-ms-retry-after-ms");
  if (ms !== undefined && /^\d+$/.test(ms.trim())) return Number(ms);
  const value = response.headers.get("retry-after");
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
