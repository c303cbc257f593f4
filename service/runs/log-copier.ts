import type { ArmPort } from "../arm/arm-port.js";
import { carriesRun, targetContainer } from "../core/carried-run.js";
import { formatArchiveLine, parseArchiveLine, parseWindow } from "../core/log-lines.js";
import { archiveTailOf, emptyArchive, mergeWindow, type ArchiveTail } from "../core/log-merge.js";
import { attemptEnded, attemptOf, type RunRecord } from "../core/run.js";
import type { Logger } from "../logger.js";
import type { LogArchive } from "../store/log-archive.js";
import type { LogOwed, Stored } from "../store/run-store.js";
import { StoreConflict } from "../store/store-errors.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import { applyTransition, type WriterDeps } from "./apply-transition.js";
import type { FinalLogCopy } from "./final-log-copy.js";
import type { GroupReads } from "./group-reads.js";

export interface LogCopyDeps extends WriterDeps {
  arm: Pick<ArmPort, "logs">;
  reads: GroupReads;
  archive: LogArchive;
  logger: Logger;
  telemetry: Telemetry;
  /** TRIGGER_LOG_ARCHIVE_MAX_BYTES, TRIGGER_LOG_COPY_INTERVAL_MS, TRIGGER_LOG_FINAL_COPY_TIMEOUT_MS */
  maxBytes: number;
  copyIntervalMs: number;
  finalCopyTimeoutMs: number;
}

/**
 * Copies runs' container output into their archives. The replica that observes a run's group
 * copies it every interval, so ARM's logs are read once per active run per interval whatever the
 * number of replicas; the final copy of an attempt is taken when its end is seen and, at the
 * latest, before its group is re-created (the lease says what it still owes).
 */
export interface LogCopier extends FinalLogCopy {
  /** Starts a copy of an observed run's output when its interval has passed; never waits for it. */
  copyActive(group: string, run: RunRecord): void;
  /**
   * Begins the final copy of an attempt its observer has just read ended, beside the write that
   * records the end: `settleOwed` takes up the copy under way instead of starting one.
   */
  beginFinal(group: string, owed: LogOwed): void;
}

// How much of an archive's end a replica reads to learn where it stands (its last lines).
const tailReadBytes = 64 * 1024;
const maxSettled = 10_000;

export function createLogCopier(deps: LogCopyDeps): LogCopier {
  const tails = new Map<string, ArchiveTail>();
  const copiedAt = new Map<string, number>();
  const copying = new Set<string>();
  const settled = new Set<string>();
  const settling = new Map<string, Promise<void>>();
  const beginning = new Map<string, ReturnType<typeof finalCopy>>();
  const containers = new Map<string, string>();

  async function tailOf(runId: string, attempt: number): Promise<ArchiveTail> {
    const known = tails.get(runId);
    if (known) return known;
    const end = await deps.archive.tail(runId, tailReadBytes);
    if (end === undefined) return emptyArchive;
    const lines = end.lines.map(parseArchiveLine).filter((line) => line !== undefined);
    return archiveTailOf(lines, end.bytes, end.fromStart, attempt);
  }

  async function containerOf(group: string): Promise<string> {
    const name = deps.container ?? containers.get(group) ?? targetContainer(await deps.reads.read(group), undefined)?.name ?? "";
    containers.set(group, name);
    return name;
  }

  /** One copy of what ACI holds of an attempt; a replica that lost the append's race reads the archive again, once. */
  async function copy(group: string, runId: string, attempt: number, final: boolean): Promise<void> {
    const readWindow = async () => deps.arm.logs(group, await containerOf(group), undefined, true);
    for (let round = 0; ; round += 1) {
      // An archive this replica has not written to is taken as empty at first, which saves a read
      // of it for most runs: were it not, the append's position condition fails and it is read.
      const assumed = round === 0 && !tails.has(runId);
      const archiveEnd = assumed ? Promise.resolve(emptyArchive) : tailOf(runId, attempt);
      // A final copy holds up its group's next run: it reads ACI's window beside the archive's end
      // (or beside creating the archive it takes as empty, so the append is one request).
      const [tail, window] = final ? await Promise.all([archiveEnd, readWindow(), assumed ? deps.archive.create(runId) : undefined]) : [await archiveEnd, undefined];
      if (tail.full && !final) return;
      const content = window ?? (await readWindow());
      const merged = mergeWindow(tail, parseWindow(content, final), { attempt, final, maxBytes: deps.maxBytes, now: deps.now().toISOString() });
      try {
        // A final copy creates an archive that is still missing, so a run that printed nothing has an empty one.
        if (merged.lines.length > 0 || (final && tail.bytes === 0)) await deps.archive.append(runId, merged.lines.map(formatArchiveLine), tail.bytes);
      } catch (error) {
        tails.delete(runId);
        if (!(error instanceof StoreConflict) || round > 0) throw error;
        continue;
      }
      // A replica's memory of where archives end only saves reads: a stale one fails its append's condition.
      if (tails.size >= maxSettled) tails.clear();
      tails.set(runId, merged.tail);
      const newest = merged.lines.filter((line) => line.kind === "output").at(-1);
      if (newest) deps.telemetry.logArchived(Math.max(0, deps.now().getTime() - Date.parse(newest.at)));
      return;
    }
  }

  /** The final copy within its deadline: whether it finished in time, and whether it finished at all. */
  async function finalCopy(group: string, runId: string, attempt: number): Promise<{ inTime: boolean; done: Promise<boolean> }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deps.finalCopyTimeoutMs)));
    const copied = copy(group, runId, attempt, true).then(
      () => true,
      (error: unknown) => {
        deps.logger.warn("final log copy failed", { runId, group, err: error });
        return false;
      },
    );
    try {
      return { inTime: await Promise.race([copied, late]), done: copied };
    } finally {
      clearTimeout(timer);
    }
  }

  async function record(run: RunRecord, attempt: number, complete: boolean): Promise<void> {
    if (!attemptEnded(run) || attemptOf(run) !== attempt) return;
    // The run as its observer just stored it saves a read; were it stale, the writer's
    // compare-and-set fails and it reads the run again.
    const stored = "etag" in run ? (run as Stored<RunRecord>) : await deps.store.getRun(run.id);
    if (stored) await applyTransition(deps, stored, { kind: "log-archived", complete });
  }

  async function settle(group: string, owed: LogOwed, given: RunRecord | undefined, since: number | undefined): Promise<void> {
    const run = given ?? (await deps.store.getRun(owed.runId));
    if (run === undefined || (run.log !== undefined && attemptOf(run) === owed.attempt)) return;
    const read = await deps.reads.read(group, since);
    if (!carriesRun(read, { id: owed.runId, attempt: owed.attempt }, deps.container)) {
      // Nothing of the attempt is left to copy: all there was, when it never started; otherwise
      // the group was re-created by someone else, and what the archive lacks is not known.
      if (run.confirmedAt === undefined) await record(run, owed.attempt, true);
      return;
    }
    const key = keyOf(owed);
    const begun = beginning.get(key);
    beginning.delete(key);
    const { inTime, done } = await (begun ?? finalCopy(group, owed.runId, owed.attempt));
    // The group may be handed on now: the run's `log` is recorded after, off the next run's path.
    void recordCopy(run, owed, inTime, done);
    if (!inTime) deps.logger.warn("run log incomplete: its final copy did not finish in time", { runId: owed.runId, group });
  }

  async function recordCopy(run: RunRecord, owed: LogOwed, inTime: boolean, done: Promise<boolean>): Promise<void> {
    try {
      await record(run, owed.attempt, inTime);
      // A copy that finishes after its deadline still makes the log complete.
      if (!inTime && (await done)) await record(run, owed.attempt, true);
    } catch (error) {
      // The store out of reach: the next pass or dispatch copies again and records it.
      settled.delete(keyOf(owed));
      deps.logger.warn("final log copy not recorded", { runId: owed.runId, err: error });
    }
  }

  const keyOf = (owed: LogOwed) => `${owed.runId}/${owed.attempt}`;

  async function settleOwed(group: string, owed: LogOwed, options: { run?: RunRecord; since?: number } = {}): Promise<void> {
    const key = keyOf(owed);
    if (settled.has(key)) return;
    // The observer that saw the end began the copy: a dispatch of the group waits for that one.
    const begun = settling.get(key);
    if (begun) return begun;
    const settlingNow = (async () => {
      try {
        await settle(group, owed, options.run, options.since);
        // Remembered so that a group's lease owing an archived log costs no store read per pass.
        if (settled.size >= maxSettled) settled.clear();
        settled.add(key);
        tails.delete(owed.runId);
        copiedAt.delete(owed.runId);
      } catch (error) {
        // ARM or the store out of reach: the next pass or dispatch settles it.
        deps.logger.warn("final log copy not settled", { runId: owed.runId, group, err: error });
      } finally {
        settling.delete(key);
      }
    })();
    settling.set(key, settlingNow);
    return settlingNow;
  }

  return {
    copyActive: (group, run) => {
      const now = deps.now().getTime();
      // The first copy comes an interval after the start: a run shorter than that has only its final copy.
      const since = copiedAt.get(run.id) ?? Date.parse(run.startedAt ?? run.confirmedAt ?? "");
      if (copying.has(run.id) || now - (Number.isNaN(since) ? 0 : since) < deps.copyIntervalMs) return;
      copying.add(run.id);
      copiedAt.set(run.id, now);
      void copy(group, run.id, attemptOf(run), false)
        .catch((error: unknown) => deps.logger.warn("log copy failed; the next one catches up", { runId: run.id, group, err: error }))
        .finally(() => copying.delete(run.id));
    },
    settleOwed,
    beginFinal: (group, owed) => {
      const key = keyOf(owed);
      if (settled.has(key) || beginning.has(key)) return;
      // Taken up by the settling that follows the end; one never taken (the end not recorded) is dropped with the rest.
      if (beginning.size >= maxSettled) beginning.clear();
      beginning.set(key, finalCopy(group, owed.runId, owed.attempt));
    },
    finish: (run) => (run.group ? settleOwed(run.group, { runId: run.id, attempt: attemptOf(run) }, { run }) : Promise.resolve()),
  };
}
