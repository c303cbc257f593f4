import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newRunId } from "../../service/core/run-id.js";
import { rowKeys } from "../../service/store/row-keys.js";

const timeArb = fc.integer({ min: 0, max: Date.parse("2200-01-01T00:00:00.000Z") });

function runKey(ms: number): string {
  const key = rowKeys.run(newRunId(new Date(ms)));
  if (key === undefined) throw new Error("no row key for a run id of ours");
  return key;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

describe("row keys", () => {
  it("lay runs out newest first", () => {
    const older = runKey(Date.parse("2024-05-01T10:00:00.000Z"));
    const newer = runKey(Date.parse("2024-05-01T10:00:00.001Z"));
    expect([older, newer].sort(byCodeUnit)).toStrictEqual([newer, older]);
  });

  it("sort runs of any times newest first, as a plain string sort", () => {
    fc.assert(
      fc.property(fc.uniqueArray(timeArb, { minLength: 2, maxLength: 30 }), (times) => {
        const keys = new Map(times.map((ms) => [runKey(ms), ms]));
        const sorted = [...keys.keys()].sort(byCodeUnit).map((key) => keys.get(key));
        expect(sorted).toStrictEqual([...times].sort((a, b) => b - a));
      }),
      { numRuns: 200 },
    );
  });

  it("keep every run inside the run range and out of the others", () => {
    fc.assert(
      fc.property(timeArb, (ms) => {
        const key = runKey(ms);
        const [from, to] = rowKeys.runRange;
        expect(key > from && key < to).toBe(true);
        for (const [start, end] of [rowKeys.poolRange, rowKeys.queueRange]) expect(key >= start && key < end).toBe(false);
      }),
    );
  });

  it("bound runsBefore between the runs of its time and the older ones", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Date.parse("2199-12-31T00:00:00.000Z") }), (ms) => {
        const bound = rowKeys.runsBefore(ms);
        expect(runKey(ms + 1) < bound).toBe(true);
        expect(runKey(ms) < bound).toBe(true);
        expect(runKey(ms - 1) > bound).toBe(true);
        expect(bound > rowKeys.runRange[0] && bound < rowKeys.runRange[1]).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("keep the queue out of the pool's range, and the counters, the dequeued count and every lease in it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999_999 }), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/), (seq, group) => {
        const [from, to] = rowKeys.poolRange;
        const inPool = (key: string) => key >= from && key < to;
        expect(inPool(rowKeys.queue(seq))).toBe(false);
        expect(rowKeys.queue(seq) >= rowKeys.queueRange[0] && rowKeys.queue(seq) < rowKeys.queueRange[1]).toBe(true);
        expect([rowKeys.counters, rowKeys.dequeued, rowKeys.lease(group)].every(inPool)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("have no run key for an id that is no run id of ours", () => {
    expect(rowKeys.run("run-1")).toBeUndefined();
    expect(rowKeys.run("6f1c0f8e-3b0a-4c4e-9d2a-7a9f0b1c2d3e")).toBeUndefined();
  });

  it("pad queue keys so that acceptance order is string order", () => {
    // A pool accepting a thousand runs a second reaches the 15-digit limit in 30,000 years.
    const seqArb = fc.nat({ max: 999_999_999_999_999 });
    fc.assert(
      fc.property(seqArb, seqArb, (a, b) => {
        fc.pre(a !== b);
        expect(rowKeys.queue(a) < rowKeys.queue(b)).toBe(a < b);
        expect(rowKeys.queue(a).startsWith(rowKeys.queuePrefix)).toBe(true);
      }),
    );
  });

  it("name a group's lease whatever the case of its name", () => {
    expect(rowKeys.lease("Job-0")).toBe(rowKeys.lease("job-0"));
    expect(rowKeys.lease("job-0").startsWith(rowKeys.leasePrefix)).toBe(true);
  });
});
