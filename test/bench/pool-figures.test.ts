import { describe, expect, it } from "vitest";
import { poolFigures, type PoolPut, type PoolRun } from "../../bench/pool-figures.js";

// Two groups, three runs of 50 ms: a and b start at 10 and 12, c waits for a's end at 60 and
// its PUT arrives at 75 on group g1; the last end is c's, at 125.
const runs: PoolRun[] = [
  { id: "a", group: "g1", finishedAtMs: 60 },
  { id: "b", group: "g2", finishedAtMs: 62 },
  { id: "c", group: "g1", finishedAtMs: 125 },
];
const puts: PoolPut[] = [
  { runId: "a", group: "g1", atMs: 10 },
  { runId: "b", group: "g2", atMs: 12 },
  { runId: "c", group: "g1", atMs: 75 },
];

describe("pool figures", () => {
  it("measures the makespan from the first POST to the last end against rounds of runs plus the first dispatch", () => {
    const figures = poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs, puts });
    expect(figures).toMatchObject({ runs: 3, groups: 2, puts: 3, makespanMs: 125, firstDispatchMs: 10, idealMs: 2 * 50 + 10 });
    expect(figures.ratio).toBeCloseTo(125 / 110);
  });

  it("takes a dispatch latency for each later PUT on a group, from the end of that group's run before it", () => {
    // Out of order on purpose: the PUTs are ordered by arrival per group, not as listed.
    expect(poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs, puts: [...puts].reverse() }).dispatchLatenciesMs).toEqual([15]);
  });

  it("cuts each dispatch latency at the first read of the group at or after the run's end", () => {
    // g1 is read at 40 (before a's end), 68 and 72; the first read that can see the end is at 68.
    const reads = [40, 68, 72].map((atMs) => ({ group: "g1", atMs }));
    const figures = poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs, puts, reads: [...reads, { group: "g2", atMs: 64 }] });
    expect(figures.endToReadMs).toEqual([8]);
    expect(figures.readToPutMs).toEqual([7]);
    expect(poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs, puts }).endToReadMs).toEqual([]);
  });

  it("refuses a PUT of a run the service does not report, or on another group than the service says", () => {
    expect(() => poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs, puts: [...puts, { runId: "x", group: "g2", atMs: 80 }] })).toThrow(
      "a PUT carried run x, which the service does not report",
    );
    expect(() => poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs, puts: [{ runId: "b", group: "g1", atMs: 12 }] })).toThrow(
      "run b was PUT on g1 but reported on g2",
    );
  });

  it("refuses runs without an end, and a record with no runs or no PUTs", () => {
    expect(() => poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs: [...runs, { id: "d", group: "g2", finishedAtMs: Number.NaN }], puts })).toThrow(
      "run d has no end",
    );
    expect(() => poolFigures({ submittedAtMs: 0, runMs: 50, groups: 2, runs: [], puts })).toThrow("a pool measurement needs runs and PUTs");
  });
});
