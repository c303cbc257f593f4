/**
 * The trigger service's answers as the client reads them. The client talks HTTP only, so these
 * describe the wire, not the service's internals; `--json` prints what the service sent, not
 * these views of it.
 */

/** A run as `POST /runs`, `GET /runs/{id}` and `POST /runs/{id}/cancel` answer it. */
export interface Run {
  id: string;
  status: string;
  group?: string;
  env?: Record<string, string>;
  command?: string[];
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  message?: string;
  startedBy?: string;
}

/** One page of `GET /runs`, newest first. */
export interface RunPage {
  runs: Run[];
  nextCursor: string | null;
}

/** `GET /runs/{id}/logs`: the run's whole current output (or its last `tail` lines). */
export interface RunLogs {
  id: string;
  content: string;
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

/**
 * Statuses of a run that has not ended yet. Any other status is final: a status added to the
 * service later (a new way to end) then ends a wait instead of hanging it.
 */
export const activeStatuses: ReadonlySet<string> = new Set(["queued", "starting", "running"]);

/** Whether the run has ended, whatever way it ended. */
export function hasEnded(run: Run): boolean {
  return !activeStatuses.has(run.status);
}
