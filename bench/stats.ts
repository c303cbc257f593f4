/** Order statistics of a set of timings, in the same unit as the samples. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The value below which `p` percent of the samples fall, by the nearest-rank method: always one
 * of the samples, so a p99 of 200 samples is the second largest, not an interpolation.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

/** The median; for an even count, the mean of the two middle samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("median of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    min: Math.min(...samples),
    median: median(samples),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
    mean: samples.reduce((sum, s) => sum + s, 0) / samples.length,
  };
}

/** Rounds every number of a value to `digits` decimals, for a JSON file a person can read. */
export function rounded<T>(value: T, digits = 2): T {
  const factor = 10 ** digits;
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" ? Math.round(v * factor) / factor : v))) as T;
}
