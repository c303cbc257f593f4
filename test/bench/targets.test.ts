import { describe, expect, it } from "vitest";
import { checkTarget, checkTargets, mebibyte } from "../../bench/targets.js";
import { formatTable, num } from "../../bench/table.js";

const onTarget = {
  overheadRatioMedian: 1.1,
  armRequestsPerTrigger: { min: 2, max: 2 },
  coldStartHealthzMs: 200,
  coldStartFirstRunMs: 400,
  idleRssBytes: 70 * mebibyte,
  peakRssBytes: 120 * mebibyte,
  bundleBytes: 1 * mebibyte,
  statusErrors: 0,
  storeCallsPerTriggerMax: 3,
  historyPageRatioMedian: 1.2,
  poolMakespanRatio: 1.1,
  dispatchEntitiesRatio: 1,
  observationReadsRatio: 1.05,
  telemetryOffCpuOverToday: 1.1,
};

describe("bench targets", () => {
  it("says how much headroom a met maximum has and by how much a missed one is over", () => {
    expect(checkTarget("x", 150, "ms", "max", 300)).toMatchObject({ met: true, distance: "50% under" });
    expect(checkTarget("x", 1.8, "x", "max", 1.2)).toMatchObject({ met: false, distance: "50% over" });
    expect(checkTarget("x", 300, "ms", "max", 300)).toMatchObject({ met: true, distance: "0% under" });
  });

  it("keeps one decimal for a miss under 10%, so a near miss never reads 0% over", () => {
    expect(checkTarget("idle RSS", 80.2, "MiB", "max", 80)).toMatchObject({ met: false, distance: "0.3% over" });
  });

  it("holds an exact target to equality", () => {
    expect(checkTarget("ARM", 2, "", "exact", 2)).toMatchObject({ met: true, distance: "exact" });
    expect(checkTarget("ARM", 3, "", "exact", 2)).toMatchObject({ met: false, distance: "off by 1" });
  });

  it("meets every target of the issue with figures inside them", () => {
    const checks = checkTargets(onTarget);
    expect(checks.map((c) => c.met)).toEqual(Array(14).fill(true));
  });

  it("holds telemetry off to the build before it within the noise, and leaves the target out when that build was not made", () => {
    const missed = checkTargets({ ...onTarget, telemetryOffCpuOverToday: 1.3 }).filter((c) => !c.met);
    expect(missed.map((c) => [c.figure, c.value, c.target])).toEqual([["CPU per trigger, telemetry off / before telemetry", 1.3, 1.15]]);
    const { telemetryOffCpuOverToday: _, ...withoutToday } = onTarget;
    expect(checkTargets(withoutToday).map((c) => c.figure)).not.toContain("CPU per trigger, telemetry off / before telemetry");
  });

  it("misses the run store's targets past three store calls, a page 1.5 times slower, or a makespan 1.3 times the ideal", () => {
    const checks = checkTargets({ ...onTarget, storeCallsPerTriggerMax: 4, historyPageRatioMedian: 1.51, poolMakespanRatio: 2.6 });
    expect(checks.filter((c) => !c.met).map((c) => [c.figure, c.value, c.distance])).toEqual([
      ["store calls per accepted trigger (most)", 4, "33% over"],
      ["newest page, large / small history (median)", 1.51, "0.7% over"],
      ["pool makespan / ideal", 2.6, "100% over"],
    ]);
  });

  it("misses the issue's read targets when a dispatch reads more with a long queue, or replicas read ARM more than one does", () => {
    const checks = checkTargets({ ...onTarget, dispatchEntitiesRatio: 1.25, observationReadsRatio: 2.9 });
    expect(checks.filter((c) => !c.met).map((c) => [c.figure, c.value, c.distance])).toEqual([
      ["entities read per dispatch, long / short queue", 1.25, "4.2% over"],
      ["ARM reads per second, three replicas / one", 2.9, "142% over"],
    ]);
  });

  it("misses the ARM target when any trigger used other than two requests, reporting the worst", () => {
    const [, arm] = checkTargets({ ...onTarget, armRequestsPerTrigger: { min: 2, max: 3 } });
    expect(arm).toMatchObject({ value: 3, met: false });
  });

  it("judges memory and bundle size in MiB", () => {
    const checks = checkTargets({ ...onTarget, idleRssBytes: 81 * mebibyte, bundleBytes: 6 * mebibyte });
    expect(checks.filter((c) => !c.met).map((c) => [c.figure, c.value])).toEqual([
      ["idle RSS", 81],
      ["bundle size", 6],
    ]);
  });
});

describe("bench table", () => {
  it("aligns columns under a ruled header", () => {
    expect(formatTable(["a", "value"], [["long name", "1"], ["b", "22"]])).toBe(
      ["a          value", "---------  -----", "long name  1", "b          22"].join("\n"),
    );
  });

  it("prints numbers without trailing zeros", () => {
    expect(num(2.5)).toBe("2.5");
    expect(num(2.04, 1)).toBe("2");
    expect(num(1.2345, 2)).toBe("1.23");
  });
});
