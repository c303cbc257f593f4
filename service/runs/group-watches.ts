import type { WireContainerGroup } from "../core/arm-types.js";
import { attemptEnded, type RunRecord } from "../core/run.js";
import type { GroupLease, GroupWatch, RunStore, Stored } from "../store/run-store.js";
import { StoreConflict } from "../store/store-errors.js";
import type { RunService } from "./run-service.js";

export interface GroupWatches {
  /**
   * Observes an active run's group unless another replica's watch of it holds; answers whether
   * the run no longer keeps its group (see `GroupLeft`).
   */
  observe(group: string, run: Stored<RunRecord>, lease?: Stored<GroupLease>): Promise<GroupLeft>;
  /** Whether another replica's watch of the group held when this one last looked: its passes settle the group meanwhile. */
  watchedElsewhere(group: string): boolean;
  /** Whether this replica has observed the group under its own watch. */
  holds(group: string): boolean;
}

/**
 * Whether a held group's run left it: false, it holds the group still; true, it left or may have
 * (its lease not known); a lease, the group freed by this replica's write, as that write stored it.
 */
export type GroupLeft = boolean | Stored<GroupLease>;

/** Told of each observation of a group's run: the run before it, and as it recorded it. */
export type ObservedRun = (group: string, before: Stored<RunRecord>, after: Stored<RunRecord>) => Promise<void>;

/** Told of the group as an observation read it, before what it shows is recorded. */
export type ReadGroup = (group: string, run: Stored<RunRecord>, read: WireContainerGroup) => void;

/**
 * One replica's watches: which groups it observes (one replica at a time reads a group from ARM).
 * A watch is taken (compare-and-set) before ARM is read, so replicas whose passes meet read it
 * once, and renewed once half of it is left, beside the read and on the ETag this replica wrote
 * it with, so a pass over a watched group costs at most one store request; a group another
 * replica watches costs none until that watch lapses.
 */
export function createGroupWatches(
  deps: { store: RunStore; runs: Pick<RunService, "refresh">; replica: string; observeLeaseMs: number; now: () => Date },
  observed?: ObservedRun,
  read?: ReadGroup,
): GroupWatches {
  const { store } = deps;
  // The watches this replica holds, as it wrote them: it observes those groups without asking.
  const watching = new Map<string, Stored<GroupWatch>>();
  // Until when another replica's watch holds a group (ms).
  const elsewhere = new Map<string, number>();
  // `lease`, the group's as the pass read it, saves the read of it when the run ends.
  const refresh = async (group: string, run: Stored<RunRecord>, lease: Stored<GroupLease> | undefined): Promise<GroupLeft> => {
    const { run: after, freed } = await deps.runs.refresh(run, lease, read && ((wire) => read(group, run, wire)));
    await observed?.(group, run, after);
    return attemptEnded(after) && (freed ?? true);
  };

  /** A watch this replica holds, extended; one changed meanwhile is no longer this replica's. */
  async function renew(held: Stored<GroupWatch>, next: GroupWatch): Promise<void> {
    try {
      watching.set(next.group, await store.recordWatch(held, next));
    } catch (error) {
      watching.delete(next.group);
      if (!(error instanceof StoreConflict)) throw error;
    }
  }

  return {
    observe: async (group, run, lease) => {
      const now = deps.now().getTime();
      const held = watching.get(group);
      const left = held === undefined ? 0 : Date.parse(held.until) - now;
      const next = { group, replica: deps.replica, until: new Date(now + deps.observeLeaseMs).toISOString() };
      if (left > deps.observeLeaseMs / 2) return refresh(group, run, lease);
      if (held !== undefined && left > 0) {
        const [after] = await Promise.all([refresh(group, run, lease), renew(held, next)]);
        return after;
      }
      const watch = await store.watch(group);
      if (watch && watch.replica !== deps.replica && Date.parse(watch.until) > now) {
        elsewhere.set(group, Date.parse(watch.until));
        return false;
      }
      try {
        watching.set(group, await store.recordWatch(watch, next));
      } catch (error) {
        if (!(error instanceof StoreConflict)) throw error;
        return false;
      }
      return refresh(group, run, lease);
    },
    watchedElsewhere: (group) => (elsewhere.get(group) ?? 0) > deps.now().getTime(),
    holds: (group) => watching.has(group),
  };
}
