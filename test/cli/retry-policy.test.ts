import { describe, expect, it } from "vitest";
import { defaultRetryOptions, retryAfterMs, retryDelay } from "../../cli/retry-policy.js";

const now = Date.parse("2024-02-01T00:00:00Z");
const answer = (status: number, retryAfter: string | null = null) => ({ kind: "answer" as const, status, retryAfter });

describe("retryDelay", () => {
  it("waits exactly the Retry-After of a 429 or 503, for any method", () => {
    expect(retryDelay(answer(429, "3"), "POST", 0, now, defaultRetryOptions)).toBe(3000);
    expect(retryDelay(answer(503, "1"), "GET", 2, now, defaultRetryOptions)).toBe(1000);
    expect(retryDelay(answer(503, "Thu, 01 Feb 2024 00:00:05 GMT"), "GET", 0, now, defaultRetryOptions)).toBe(5000);
  });

  it("does not retry a 429 or 503 without a readable Retry-After, nor any other status", () => {
    expect(retryDelay(answer(503), "GET", 0, now, defaultRetryOptions)).toBeUndefined();
    expect(retryDelay(answer(429, "soon"), "GET", 0, now, defaultRetryOptions)).toBeUndefined();
    for (const status of [400, 401, 404, 409, 500, 502]) expect(retryDelay(answer(status, "1"), "GET", 0, now, defaultRetryOptions)).toBeUndefined();
  });

  it("reports at once a Retry-After beyond its bound instead of waiting it out", () => {
    expect(retryDelay(answer(503, "60"), "GET", 0, now, defaultRetryOptions)).toBe(60_000);
    expect(retryDelay(answer(503, "61"), "GET", 0, now, defaultRetryOptions)).toBeUndefined();
  });

  it("stops after its limit of retries", () => {
    const options = { ...defaultRetryOptions, limit: 2 };
    expect(retryDelay(answer(429, "1"), "GET", 1, now, options)).toBe(1000);
    expect(retryDelay(answer(429, "1"), "GET", 2, now, options)).toBeUndefined();
  });

  it("retries a read that failed on the network with a doubling delay, never a POST the service may have acted on", () => {
    expect([0, 1, 2].map((retry) => retryDelay({ kind: "network-error" }, "GET", retry, now, defaultRetryOptions))).toEqual([500, 1000, 2000]);
    expect(retryDelay({ kind: "network-error" }, "POST", 0, now, defaultRetryOptions)).toBeUndefined();
  });
});

describe("retryAfterMs", () => {
  it("reads delay-seconds and HTTP dates, a date in the past as no wait", () => {
    expect(retryAfterMs(" 7 ", now)).toBe(7000);
    expect(retryAfterMs("Wed, 31 Jan 2024 23:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("-1", now)).toBeUndefined();
  });
});
