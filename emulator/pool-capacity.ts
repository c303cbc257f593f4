import type { StoredPool } from "./standby-state.js";
import { objectAt } from "./wire.js";

/**
 * A pool's instances, computed from timestamps like a group's lifecycle: the pool keeps
 * `maxReadyCapacity` instances, each Creating until its `readyAt` and Running (ready to be
 * claimed) after; a claim takes the longest-ready one and starts its replacement at once
 * (refillPolicy `always`), ready `refillMs` later.
 */
export function maxReadyCapacity(pool: StoredPool): number {
  const value = objectAt(pool.body, "properties", "elasticityProfile")?.maxReadyCapacity;
  return typeof value === "number" ? value : 0;
}

/** Brings the pool to its capacity: new instances are ready `refillMs` from now, extra ones go. */
export function refill(pool: StoredPool, now: number, refillMs: number): void {
  const capacity = maxReadyCapacity(pool);
  pool.instances.sort((a, b) => a.readyAt - b.readyAt);
  pool.instances.length = Math.min(pool.instances.length, capacity);
  while (pool.instances.length < capacity) pool.instances.push({ readyAt: now + refillMs });
}

export function instanceCounts(pool: StoredPool, now: number): { running: number; creating: number } {
  const running = pool.instances.filter((i) => i.readyAt <= now).length;
  return { running, creating: pool.instances.length - running };
}

/** Takes a ready instance for a claim, and starts its replacement; false when none is ready. */
export function takeReady(pool: StoredPool, now: number, refillMs: number): boolean {
  pool.instances.sort((a, b) => a.readyAt - b.readyAt);
  const first = pool.instances[0];
  if (!first || first.readyAt > now) return false;
  pool.instances.shift();
  refill(pool, now, refillMs);
  return true;
}
