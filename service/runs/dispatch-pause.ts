/**
 * Until when this process claims nothing from the queue: set when ARM throttled a start's PUT
 * (429, the per-subscription creates quota) for its Retry-After, so the pool does not send ARM a
 * PUT it must refuse again. Each replica keeps its own, so each tries at most once per wait.
 */
export interface DispatchPause {
  /** Pauses until `until` (epoch ms); an earlier end never shortens a later one. */
  pauseUntil(until: number): void;
  /** True while the pause lasts at `now` (epoch ms). */
  paused(now: number): boolean;
}

export function createDispatchPause(): DispatchPause {
  let end = 0;
  return {
    pauseUntil: (until) => {
      end = Math.max(end, until);
    },
    paused: (now) => now < end,
  };
}
