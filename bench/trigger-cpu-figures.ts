import { median } from "./stats.js";

export interface VariantCpu {
  /** CPU ms per trigger of each round. */
  rounds: number[];
  median: number;
  min: number;
  max: number;
  /** (max − min) / median of the rounds: how far one process's figure strays from another's. */
  spread: number;
}

/** The rounds of each variant reduced to a median, a range and a relative spread. */
export function triggerCpuFigures(rounds: Record<string, number[]>): Record<string, VariantCpu> {
  return Object.fromEntries(
    Object.entries(rounds).map(([name, values]) => {
      const mid = median(values);
      const min = Math.min(...values);
      const max = Math.max(...values);
      return [name, { rounds: values, median: mid, min, max, spread: (max - min) / mid }];
    }),
  );
}

/**
 * Median over the rounds of `a`'s CPU per trigger over `b`'s in the same round. Pairing by round
 * cancels the machine's load drift, which moves both processes of a round alike; the rounds must
 * be measured in step (see measureTriggerCpu).
 */
export function pairedRatio(rounds: Record<string, number[]>, a: string, b: string): number {
  const numerators = rounds[a];
  const denominators = rounds[b];
  if (!numerators || !denominators || numerators.length !== denominators.length) throw new Error(`no paired rounds of ${a} and ${b}`);
  return median(numerators.map((value, i) => value / denominators[i]!));
}
