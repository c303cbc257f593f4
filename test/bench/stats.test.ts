import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { median, percentile, rounded, summarize } from "../../bench/stats.js";

describe("bench statistics", () => {
  it("takes the p99 of 200 samples as the second largest, by nearest rank", () => {
    const samples = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(samples, 99)).toBe(198);
    expect(percentile(samples, 100)).toBe(200);
  });

  it("answers a percentile that is one of the samples, with at least p% of them at or below it", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (samples, p) => {
        const value = percentile(samples, p);
        expect(samples).toContain(value);
        expect(samples.filter((s) => s <= value).length).toBeGreaterThanOrEqual((p / 100) * samples.length);
      }),
    );
  });

  it("takes the median of an even count as the mean of the two middle samples", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });

  it("refuses to summarize no samples or a percentile outside (0, 100]", () => {
    expect(() => median([])).toThrow("median of no samples");
    expect(() => percentile([1], 0)).toThrow("percentile must be in (0, 100], got 0");
  });

  it("summarizes samples without reordering the caller's array", () => {
    const samples = [3, 1, 2];
    expect(summarize(samples)).toEqual({ n: 3, min: 1, median: 2, p99: 3, max: 3, mean: 2 });
    expect(samples).toEqual([3, 1, 2]);
  });

  it("rounds every number of a nested value and leaves the rest alone", () => {
    expect(rounded({ a: 1.23456, b: [2.0049, "x"], c: { d: 7 } })).toEqual({ a: 1.23, b: [2, "x"], c: { d: 7 } });
  });
});
