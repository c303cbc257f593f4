import { isTerminal, type RunRecord } from "../core/run.js";
import type { Logger } from "../logger.js";

/**
 * Logs the one line that says a run ended (`run ended`: run id, status, exit code, duration from
 * acceptance to end, group) when the write of `after` over `before` is the one that ended it.
 * Called only once that compare-and-set succeeded, so a replica that lost the race says nothing.
 * Answers `after`, so that a write can be wrapped where it stands.
 */
export function logRunEnd<T extends RunRecord>(logger: Logger, before: RunRecord, after: T): T {
  if (isTerminal(before.status) || !isTerminal(after.status)) return after;
  logger.info("run ended", {
    runId: after.id,
    status: after.status,
    ...(after.exitCode !== undefined ? { exitCode: after.exitCode } : {}),
    ...(after.finishedAt !== undefined ? { durationMs: Math.max(0, Date.parse(after.finishedAt) - Date.parse(after.createdAt)) } : {}),
    ...(after.group !== undefined ? { group: after.group } : {}),
  });
  return after;
}
