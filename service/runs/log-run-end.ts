import { isTerminal, type RunRecord } from "../core/run.js";
import type { Logger } from "../logger.js";
import type { Telemetry } from "../telemetry/telemetry.js";

/**
 * Reports that a run ended when the write of `after` over `before` is the one that ended it: the
 * one `run ended` log line (run id, status, exit code, duration from acceptance to end, group) and
 * the run-outcome metrics. Called only once that compare-and-set succeeded, so a replica that lost
 * the race says nothing. Answers `after`, so that a write can be wrapped where it stands.
 */
export function reportRunEnd<T extends RunRecord>(deps: { logger: Logger; telemetry: Telemetry }, before: RunRecord, after: T): T {
  if (isTerminal(before.status) || !isTerminal(after.status)) return after;
  deps.logger.info("run ended", {
    runId: after.id,
    status: after.status,
    ...(after.exitCode !== undefined ? { exitCode: after.exitCode } : {}),
    ...(after.finishedAt !== undefined ? { durationMs: Math.max(0, Date.parse(after.finishedAt) - Date.parse(after.createdAt)) } : {}),
    ...(after.group !== undefined ? { group: after.group } : {}),
  });
  deps.telemetry.runEnded({
    runId: after.id,
    ...(after.group !== undefined ? { group: after.group } : {}),
    ...(after.attempt !== undefined ? { attempt: after.attempt } : {}),
    outcome: after.status,
    ...(after.exitCode !== undefined ? { exitCode: after.exitCode } : {}),
    acceptedAt: new Date(after.createdAt),
    ...(after.startedAt !== undefined ? { runningAt: new Date(after.startedAt) } : {}),
    endedAt: after.finishedAt !== undefined ? new Date(after.finishedAt) : new Date(),
  });
  return after;
}
