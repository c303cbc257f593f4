import { createHash } from "node:crypto";
import type { RunRequest } from "./run-request.js";

/**
 * Run metadata kept in the group's tags, so the service holds no state of its own: the Container
 * App scales to zero, and a fresh process must still answer GET /runs/{id}.
 */
export interface RunRecord {
  runId: string;
  /** ISO time the service accepted the run */
  startedAt: string;
  /** sha256 hex of the canonical request, to tell an idempotent repeat from a conflicting one */
  requestHash: string;
  /** sha256 hex of the Idempotency-Key header */
  idempotencyKeyHash?: string;
  /** most recent first, as many as fit in one tag value */
  previousRunIds: string[];
}

export const runRecordTagNames = {
  runId: "trigger-run-id",
  startedAt: "trigger-run-started",
  requestHash: "trigger-request-hash",
  idempotencyKeyHash: "trigger-idempotency-key",
  previousRunIds: "trigger-previous-runs",
} as const;

const triggerTagNames: ReadonlySet<string> = new Set(Object.values(runRecordTagNames));

/** ARM's limits on tags (FACTS §8). */
export const maxTagCount = 50;
export const maxTagValueLength = 256;

const previousRunSeparator = ",";

/** The record of the group's current run, or undefined when the tags hold none (or a broken one). */
export function readRunRecord(tags: Record<string, string> | undefined): RunRecord | undefined {
  if (!tags) return undefined;
  const runId = tags[runRecordTagNames.runId];
  const startedAt = tags[runRecordTagNames.startedAt];
  const requestHash = tags[runRecordTagNames.requestHash];
  if (!runId || !startedAt || !requestHash) return undefined;
  const idempotencyKeyHash = tags[runRecordTagNames.idempotencyKeyHash];
  const previous = tags[runRecordTagNames.previousRunIds];
  return {
    runId,
    startedAt,
    requestHash,
    ...(idempotencyKeyHash ? { idempotencyKeyHash } : {}),
    previousRunIds: previous ? previous.split(previousRunSeparator).filter((id) => id !== "") : [],
  };
}

/**
 * The group's tags carrying `record`: every non-trigger tag kept as it is, the trigger tags
 * replaced (a tag the record has no value for is dropped, not left stale).
 */
export function runRecordTags(tags: Record<string, string> | undefined, record: RunRecord): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(tags ?? {}).filter(([name]) => !triggerTagNames.has(name)));
  return {
    ...kept,
    [runRecordTagNames.runId]: record.runId,
    [runRecordTagNames.startedAt]: record.startedAt,
    [runRecordTagNames.requestHash]: record.requestHash,
    ...(record.idempotencyKeyHash ? { [runRecordTagNames.idempotencyKeyHash]: record.idempotencyKeyHash } : {}),
    ...(record.previousRunIds.length > 0
      ? { [runRecordTagNames.previousRunIds]: record.previousRunIds.join(previousRunSeparator) }
      : {}),
  };
}

/**
 * The record of a new run: the previous run joins the front of the history, which keeps as many
 * of the most recent ids as fit in one tag value (ids must not contain a comma).
 */
export function nextRunRecord(
  previous: RunRecord | undefined,
  run: { runId: string; startedAt: string; requestHash: string; idempotencyKeyHash?: string },
): RunRecord {
  const history = previous ? [previous.runId, ...previous.previousRunIds] : [];
  const previousRunIds: string[] = [];
  let length = 0;
  for (const id of history) {
    const added = id.length + (previousRunIds.length > 0 ? previousRunSeparator.length : 0);
    if (id === "" || id.includes(previousRunSeparator) || length + added > maxTagValueLength) break;
    previousRunIds.push(id);
    length += added;
  }
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    requestHash: run.requestHash,
    ...(run.idempotencyKeyHash ? { idempotencyKeyHash: run.idempotencyKeyHash } : {}),
    previousRunIds,
  };
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** sha256 hex of the request with env keys sorted, so equal requests hash equal in any key order. */
export function hashRequest(request: RunRequest): string {
  const env = Object.fromEntries(Object.entries(request.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sha256Hex(JSON.stringify(request.command === undefined ? { env } : { command: request.command, env }));
}

export function hashIdempotencyKey(key: string): string {
  return sha256Hex(key);
}
