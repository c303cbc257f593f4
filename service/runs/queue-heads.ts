import type { RunRecord } from "../core/run.js";
import type { QueueEntry, RunStore, Stored } from "../store/run-store.js";

/** One of the queue's oldest entries, and its run (undefined when gone), read once when asked. */
export interface Head {
  entry: QueueEntry;
  run: () => Promise<Stored<RunRecord> | undefined>;
}

/**
 * Queue entries as heads: each run is read when its turn comes (or begun early with
 * `readingRuns`), so a race lost to another replica wastes few reads.
 */
export function headsOf(store: Pick<RunStore, "getRun">, entries: readonly QueueEntry[]): Head[] {
  return entries.map((entry) => {
    let run: Promise<Stored<RunRecord> | undefined> | undefined;
    return { entry, run: () => (run ??= store.getRun(entry.runId)) };
  });
}

/** `fresh`, taking the read of a run already begun in `known` for the same entry. */
export function sameHeads(fresh: Head[], known: Head[]): Head[] {
  return fresh.map((head) => known.find((other) => other.entry.seq === head.entry.seq && other.entry.runId === head.entry.runId) ?? head);
}

/** The heads, their runs' reads begun (a failed read fails whoever awaits it). */
export function readingRuns(heads: Head[]): Head[] {
  for (const head of heads) void head.run().catch(() => undefined);
  return heads;
}
