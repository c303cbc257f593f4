import { v7 as uuidv7, validate, version } from "uuid";

/**
 * Run ids are UUIDv7: random enough to be unguessable in practice, and ordered by creation
 * time, so the store can lay runs out newest first and still find one by its id alone.
 */
export function newRunId(now: Date): string {
  return uuidv7({ msecs: now.getTime() });
}

/** The creation time a run id carries, or undefined when it is not a UUIDv7 of ours. */
export function runIdTime(id: string): number | undefined {
  if (!validate(id) || version(id) !== 7) return undefined;
  return Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}
