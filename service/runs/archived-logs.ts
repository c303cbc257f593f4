import { parseArchiveLine, shownLine, type ArchiveLine } from "../core/log-lines.js";
import { isTerminal, type RunRecord, type RunStatus } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import type { LogArchive } from "../store/log-archive.js";
import type { RunStore } from "../store/run-store.js";

export interface ArchivedLogDeps {
  store: Pick<RunStore, "getRun">;
  archive: LogArchive;
  now: () => Date;
  /** TRIGGER_LOG_COPY_INTERVAL_MS and TRIGGER_LOG_FINAL_COPY_TIMEOUT_MS: how fast the archive grows, how late it is final */
  copyIntervalMs: number;
  finalCopyTimeoutMs: number;
}

/** What a follower of a run's log receives: its lines by their number in the archive, then the run's end. */
export type FollowEvent = { kind: "line" | "notice"; id: number; text: string } | { kind: "end"; status: RunStatus };

/** A run's whole archived log, or its last `tail` lines, as `GET /runs/{id}/logs` shows it, and how many lines the archive holds. */
export async function archivedLog(deps: ArchivedLogDeps, run: RunRecord, tail?: number): Promise<{ content: string; lines: number }> {
  const read = await deps.archive.read(run.id, 0);
  if (read === undefined) return { content: missingLog(run), lines: 0 };
  const lines = linesOf(read.text).map(shownLine);
  const kept = tail === undefined ? lines : lines.slice(Math.max(0, lines.length - tail));
  return { content: kept.map((line) => `${line}\n`).join(""), lines: lines.length };
}

/** An archive's lines; a line the archive cannot read (never written by it) is left out. */
function linesOf(text: string): ArchiveLine[] {
  return text
    .split("\n")
    .slice(0, -1)
    .map(parseArchiveLine)
    .filter((line) => line !== undefined);
}

/** Nothing archived: nothing printed yet, or `LogsUnavailable` saying why the log is gone. */
function missingLog(run: RunRecord): string {
  const started = run.confirmedAt !== undefined || (run.earlierAttempts?.length ?? 0) > 0;
  if (!started || !isTerminal(run.status)) return "";
  if (run.log === "incomplete") {
    throw new ServiceError("LogsUnavailable", `The log of run ${run.id} was never archived: Blob Storage failed or was out of reach until its container group was handed on, and Azure keeps no log after that.`);
  }
  throw new ServiceError(
    "LogsUnavailable",
    `Run ${run.id} has no archived log: it ran before this service archived logs, or its group was re-created outside the service before a copy; Azure keeps a container's log only until then.`,
  );
}

/**
 * Whether a follower has seen all there will be: the run ended and its final copy is settled
 * (or never comes: the run never started, or no copy was settled long after the deadline).
 */
function settled(deps: ArchivedLogDeps, run: RunRecord): boolean {
  if (!isTerminal(run.status)) return false;
  if (run.log !== undefined || run.confirmedAt === undefined) return true;
  const finished = Date.parse(run.finishedAt ?? run.createdAt);
  return deps.now().getTime() - finished > deps.finalCopyTimeoutMs + 4 * deps.copyIntervalMs + 30_000;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * The lines of a run's archive after line `after`, as the archive grows, until the run ended and
 * its last copy is in: read from the archive (never a replica's memory), so any replica serves
 * it and a follower that reconnects resumes where it stopped.
 */
export async function* followLog(deps: ArchivedLogDeps, runId: string, after: number, signal: AbortSignal): AsyncGenerator<FollowEvent> {
  const pollMs = Math.min(1_000, Math.max(100, Math.floor(deps.copyIntervalMs / 2)));
  let offset = 0;
  let line = 0;
  while (!signal.aborted) {
    // The run is read before the archive: once it says the last copy is in, this read has it all.
    const run = await deps.store.getRun(runId);
    if (run === undefined) throw new ServiceError("RunNotFound", `No run ${runId} is known.`);
    const read = await deps.archive.read(runId, offset);
    if (read !== undefined) {
      offset = read.end;
      for (const archived of linesOf(read.text)) {
        line += 1;
        if (line > after) yield { kind: archived.kind === "notice" ? "notice" : "line", id: line, text: archived.text };
      }
    }
    if (settled(deps, run)) {
      yield { kind: "end", status: run.status };
      return;
    }
    await pause(pollMs, signal);
  }
}
