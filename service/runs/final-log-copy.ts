import type { RunRecord } from "../core/run.js";
import type { LogOwed } from "../store/run-store.js";

/**
 * The last copy of an ended run's log into its archive, taken before the run's group is handed to
 * the next run (pool mode) or deleted (standby mode): after either, ARM keeps nothing of it.
 */
export interface FinalLogCopy {
  /**
   * Copies what ARM still holds of `run`'s target container into the run's archive. Bounded by
   * TRIGGER_LOG_FINAL_COPY_TIMEOUT_MS and never throws: a copy that cannot finish in time (a
   * storage outage) records the run's log as incomplete, so the group is never held up longer.
   */
  finish(run: RunRecord): Promise<void>;
  /**
   * The same for the attempt a free group's lease still owes (`GroupLease.logOwed`: the end was
   * committed, its copy may not have been), awaited before the group is re-created: it resolves
   * once the copy is in the archive (or past its deadline), joining a copy already under way, and
   * the run's `log` is recorded after. `since` lets the copy's read of the group serve the
   * dispatch's (see `GroupReads`).
   */
  settleOwed(group: string, owed: LogOwed, options?: { run?: RunRecord; since?: number }): Promise<void>;
}
