import { randomInt } from "node:crypto";
import { v7 as uuidv7, validate, version } from "uuid";

// uuid counts up within a millisecond only on its own clock; with a given time it draws the
// counter at random, so the counter is kept here (the id's random tail stays random).
let last = { ms: -1, seq: 0 };

/**
 * Run ids are UUIDv7: random enough to be unguessable in practice, and ordered by creation
 * time, so the store can lay runs out newest first and still find one by its id alone. Ids a
 * process makes within one millisecond count up, so they keep their creation order too.
 */
export function newRunId(now: Date): string {
  const ms = now.getTime();
  const seq = ms === last.ms ? (last.seq + 1) % 2 ** 31 : randomInt(2 ** 30);
  last = { ms, seq };
  return uuidv7({ msecs: ms, seq });
}

/** The creation time a run id carries, or undefined when it is not a UUIDv7 of ours. */
export function runIdTime(id: string): number | undefined {
  if (!validate(id) || version(id) !== 7) return undefined;
  return Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}
