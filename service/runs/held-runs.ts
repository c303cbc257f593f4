import { attemptEnded, type RunRecord } from "../core/run.js";
import type { RunStore, Stored } from "../store/run-store.js";

export interface HeldRuns {
  /** The run as this replica last read or wrote it, read again once that copy is older than `maxAgeMs`. */
  get(runId: string): Promise<Stored<RunRecord> | undefined>;
  /** The run as this replica just wrote it (a claim, an observation); one that left its group is forgotten. */
  wrote(run: Stored<RunRecord>): void;
  /** Forgets a run's copy: one the group did not confirm may be of an attempt the run has left. */
  forget(runId: string): void;
  /** Forgets every run no lease names any more. */
  keepOnly(runIds: ReadonlySet<string | undefined>): void;
}

/**
 * The runs that hold the groups a replica observes, as it last read or wrote them, and when. A
 * copy may be stale (another replica observed or canceled the run meanwhile): a write on it fails
 * its compare-and-set and reads the run again, dropping an event of a claim the run has left (see
 * `applyTransition`), and a copy no write would correct (one its group did not confirm) is
 * forgotten by the observer. So a pass reads a held run from the store only once its copy is older
 * than `maxAgeMs`, not every pass.
 */
export function createHeldRuns(deps: { store: Pick<RunStore, "getRun">; now: () => Date; maxAgeMs: number }): HeldRuns {
  const known = new Map<string, { run: Stored<RunRecord>; at: number }>();
  // Only a copy of a run that holds its group is kept: a lease names a run, not its attempt, so
  // the next lease naming a run that left its group (a retry's) may be another attempt's, and
  // settling that one on the copy of the last would free a group that still runs.
  const keep = (runId: string, run: Stored<RunRecord> | undefined, at: number) => {
    if (run && !attemptEnded(run)) known.set(runId, { run, at });
    else known.delete(runId);
  };
  return {
    get: async (runId) => {
      const now = deps.now().getTime();
      const held = known.get(runId);
      if (held && now - held.at < deps.maxAgeMs) return held.run;
      const run = await deps.store.getRun(runId);
      keep(runId, run, now);
      return run;
    },
    wrote: (run) => keep(run.id, run, deps.now().getTime()),
    forget: (runId) => void known.delete(runId),
    keepOnly: (runIds) => {
      for (const runId of known.keys()) if (!runIds.has(runId)) known.delete(runId);
    },
  };
}
