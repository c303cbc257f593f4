import type { ActiveRunStatus, RunView } from "../service/core/run.js";
import type { RunList, RunLogs as ServiceRunLogs } from "../service/runs/run-service.js";

/*
 * The service's answers as the client reads them, from the service's own types (type-only
 * imports: nothing of the service is bundled). A status is any string here, because a client
 * must outlive the service version it was built with; `--json` prints what the service sent,
 * not these views of it.
 */

/** A run as `POST /runs`, `GET /runs/{id}` and `POST /runs/{id}/cancel` answer it. */
export type Run = Partial<Omit<RunView, "id" | "status">> & { id: string; status: string };

/** One page of `GET /runs`, newest first. */
export type RunPage = Omit<RunList, "runs"> & { runs: Run[] };

/** `GET /runs/{id}/logs`: the run's whole current output (or its last `tail` lines). */
export type RunLogs = ServiceRunLogs;

// A Record of the service's active statuses: adding one there fails the type check here.
const active: Record<ActiveRunStatus, true> = { queued: true, starting: true, running: true, retrying: true };

/**
 * Statuses of a run that has not ended yet. Any other status is final: a status added to the
 * service later (a new way to end) then ends a wait instead of hanging it.
 */
export const activeStatuses: ReadonlySet<string> = new Set(Object.keys(active));

/** Whether the run has ended, whatever way it ended. */
export function hasEnded(run: Run): boolean {
  return !activeStatuses.has(run.status);
}
