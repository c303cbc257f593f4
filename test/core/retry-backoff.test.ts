import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../service/core/retry-backoff.js";

const backoff = { baseMs: 10_000, capMs: 320_000 };

describe("retryDelayMs", () => {
  it("doubles per failed attempt, from half to all of the exponential wait as the jitter goes from 0 to 1", () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(backoff, attempt, 0))).toEqual([5_000, 10_000, 20_000]);
    expect([1, 2, 3].map((attempt) => retryDelayMs(backoff, attempt, 1))).toEqual([10_000, 20_000, 40_000]);
  });

  it("never waits longer than the cap, nor less than half of it once capped", () => {
    expect(retryDelayMs(backoff, 10, 0.999)).toBeLessThanOrEqual(320_000);
    expect(retryDelayMs(backoff, 10, 0)).toBe(160_000);
  });

  it("is within [half, all] of the capped exponential wait for any jitter", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        const full = Math.min(backoff.capMs, backoff.baseMs * 2 ** (attempt - 1));
        const wait = retryDelayMs(backoff, attempt, random);
        expect(wait).toBeGreaterThanOrEqual(full / 2);
        expect(wait).toBeLessThanOrEqual(full);
      }),
    );
  });
});
