/**
 * Fixed-window counters: at most `limit` events per key in each window, the window starting at
 * a key's first event. Time comes in as milliseconds from the caller, so the rule is a pure
 * function of the events and tests drive it with their own clock.
 */
export interface WindowCounter {
  /** Whole seconds until `key` may act again, or undefined while it is under the limit. */
  blockedFor(key: string, nowMs: number): number | undefined;
  /** Counts one event of `key`. */
  record(key: string, nowMs: number): void;
  /** `blockedFor`, and when not blocked, `record`: one admission decision for concurrent callers. */
  take(key: string, nowMs: number): number | undefined;
}

export interface WindowCounterOptions {
  limit: number;
  windowMs: number;
  /**
   * Most keys remembered at once (default 10,000): a caller who cycles through addresses cannot
   * grow the map without bound. Past it, the oldest windows are forgotten first.
   */
  maxKeys?: number;
}

interface Window {
  startedAt: number;
  count: number;
}

/** A counter of events per key in fixed windows; see `WindowCounter`. */
export function createWindowCounter(options: WindowCounterOptions): WindowCounter {
  const { limit, windowMs } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const windows = new Map<string, Window>();

  const current = (key: string, nowMs: number): Window | undefined => {
    const window = windows.get(key);
    if (window && nowMs - window.startedAt >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };

  const forgetExpired = (nowMs: number) => {
    for (const [key, window] of windows) if (nowMs - window.startedAt >= windowMs) windows.delete(key);
    // Map iteration follows insertion, so the first keys are the oldest windows.
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  };

  const blockedFor = (key: string, nowMs: number) => {
    const window = current(key, nowMs);
    if (!window || window.count < limit) return undefined;
    return Math.max(1, Math.ceil((window.startedAt + windowMs - nowMs) / 1000));
  };

  const record = (key: string, nowMs: number) => {
    const window = current(key, nowMs);
    if (window) {
      window.count += 1;
      return;
    }
    if (windows.size >= maxKeys) forgetExpired(nowMs);
    windows.set(key, { startedAt: nowMs, count: 1 });
  };

  return {
    blockedFor,
    record,
    take(key, nowMs) {
      const wait = blockedFor(key, nowMs);
      if (wait === undefined) record(key, nowMs);
      return wait;
    },
  };
}
