/**
 * A run as the service knows it: what was asked, where it runs, and how it ended. The statuses
 * are listed here once; every other module imports them.
 */
export const activeRunStatuses = ["queued", "starting", "running"] as const;
export const terminalRunStatuses = ["succeeded", "failed", "canceled", "lost"] as const;
export const runStatuses = [...activeRunStatuses, ...terminalRunStatuses] as const;

export type ActiveRunStatus = (typeof activeRunStatuses)[number];
export type TerminalRunStatus = (typeof terminalRunStatuses)[number];
export type RunStatus = (typeof runStatuses)[number];

export function isTerminal(status: RunStatus): status is TerminalRunStatus {
  return (terminalRunStatuses as readonly string[]).includes(status);
}

/** The run as the API shows it. */
export interface RunView {
  id: string;
  status: RunStatus;
  /** the container group the run was dispatched to */
  group?: string;
  env: Record<string, string>;
  command?: string[];
  /** the image the run's container runs, once its group was seen carrying the run */
  image?: string;
  createdAt: string;
  /** when a group was taken for it (queued runs wait until then) */
  dispatchedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  message?: string;
  /** who started it: `key:<label>` or the Entra caller */
  startedBy?: string;
}

/** What the store keeps beyond the view: the bookkeeping of dispatch and idempotency. */
export interface RunRecord extends RunView {
  /** sha256 hex of the canonical request, to tell an idempotent repeat from a conflicting one */
  requestHash: string;
  idempotencyKeyHash?: string;
  /** acceptance order: FIFO dispatch follows it */
  seq: number;
  /**
   * When a replica took a group for the run, about to send its one PUT. A replica claims only the
   * queue's head, which moves on only once the claim before committed, so these times follow the
   * dispatch order.
   */
  claimedAt?: string;
  /** when the group was first seen carrying the run: from then on, ARM speaks for it */
  confirmedAt?: string;
}

/** The API's view of a stored run, its fields always in the same order. */
export function runView(record: RunRecord): RunView {
  return {
    id: record.id,
    status: record.status,
    ...(record.group !== undefined ? { group: record.group } : {}),
    env: record.env,
    ...(record.command !== undefined ? { command: record.command } : {}),
    ...(record.image !== undefined ? { image: record.image } : {}),
    createdAt: record.createdAt,
    ...(record.claimedAt !== undefined ? { dispatchedAt: record.claimedAt } : {}),
    ...(record.startedAt !== undefined ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt !== undefined ? { finishedAt: record.finishedAt } : {}),
    ...(record.exitCode !== undefined ? { exitCode: record.exitCode } : {}),
    ...(record.message !== undefined ? { message: record.message } : {}),
    ...(record.startedBy !== undefined ? { startedBy: record.startedBy } : {}),
  };
}
