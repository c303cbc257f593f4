import { runIdTime } from "../core/run-id.js";
import type { LogArchive } from "../store/log-archive.js";
import type { RunStore } from "../store/run-store.js";

/**
 * Deletes the archived logs whose runs were pruned: those of runs created before `before` that
 * the store no longer knows (a run kept past retention because it is still active keeps its log).
 * Answers how many it deleted.
 */
export async function pruneLogs(store: Pick<RunStore, "getRun">, archive: LogArchive, before: Date): Promise<number> {
  let removed = 0;
  for await (const runId of archive.runs()) {
    const created = runIdTime(runId);
    if (created === undefined || created >= before.getTime()) continue;
    if ((await store.getRun(runId)) !== undefined) continue;
    await archive.remove(runId);
    removed += 1;
  }
  return removed;
}
