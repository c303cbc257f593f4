/**
 * `POST /runs` through the bundle, median and p99 in milliseconds, as measured for the build
 * before the run store: read by hand from bench/RESULTS.md of 2026-11-28 (the row "POST /runs
 * through the service", runs 1 and 2), the last results recorded without a store.
 */
export const previousBuildTriggerMs = {
  recorded: "bench/RESULTS.md, 2026-11-28, runs 1 and 2",
  runs: [
    { median: 3.01, p99: 5.18 },
    { median: 2.58, p99: 5.99 },
  ],
} as const;
