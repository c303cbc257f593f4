import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairedRatio, triggerCpuFigures } from "../../bench/trigger-cpu-figures.js";

describe("CPU per trigger figures", () => {
  it("reduces each variant's rounds to a median, a range and the range relative to the median", () => {
    expect(triggerCpuFigures({ off: [12, 10, 11], on: [16, 14, 15, 13] })).toEqual({
      off: { rounds: [12, 10, 11], median: 11, min: 10, max: 12, spread: 2 / 11 },
      on: { rounds: [16, 14, 15, 13], median: 14.5, min: 13, max: 16, spread: 3 / 14.5 },
    });
  });

  it("pairs rounds, so a drift that slows both processes of a round alike cancels", () => {
    // Rounds on a machine ever more loaded: every pair is 1.1 however far the figures move.
    expect(pairedRatio({ off: [11, 22, 33], today: [10, 20, 30] }, "off", "today")).toBeCloseTo(1.1, 9);
    expect(pairedRatio({ on: [12, 30, 11], off: [10, 20, 10] }, "on", "off")).toBe(1.2);
  });

  it("answers the same ratio whatever common factor scales every round", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 1, max: 100, noNaN: true }), fc.double({ min: 1, max: 100, noNaN: true })), { minLength: 1, maxLength: 9 }),
        fc.array(fc.double({ min: 0.5, max: 3, noNaN: true }), { minLength: 9, maxLength: 9 }),
        (pairs, loads) => {
          const plain = { a: pairs.map(([a]) => a), b: pairs.map(([, b]) => b) };
          const loaded = { a: pairs.map(([a], i) => a * loads[i]!), b: pairs.map(([, b], i) => b * loads[i]!) };
          expect(pairedRatio(loaded, "a", "b")).toBeCloseTo(pairedRatio(plain, "a", "b"), 9);
        },
      ),
    );
  });

  it("refuses variants without rounds measured in step", () => {
    expect(() => pairedRatio({ a: [1, 2], b: [1] }, "a", "b")).toThrow("no paired rounds of a and b");
    expect(() => pairedRatio({ a: [1] }, "a", "today")).toThrow("no paired rounds of a and today");
  });
});
