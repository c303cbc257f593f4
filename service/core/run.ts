import * as z from "zod";

/**
 * A run as the service knows it: what was asked, where it runs, and how it ended. The statuses
 * are listed here once; every other module imports them.
 */
export const activeRunStatuses = ["queued", "starting", "running", "retrying"] as const;
export const terminalRunStatuses = ["succeeded", "failed", "canceled", "lost", "timed_out"] as const;
export const runStatuses = [...activeRunStatuses, ...terminalRunStatuses] as const;

export type ActiveRunStatus = (typeof activeRunStatuses)[number];
export type TerminalRunStatus = (typeof terminalRunStatuses)[number];
export type RunStatus = (typeof runStatuses)[number];

/** How a standby run's group came to be: claimed ready from the pool, or created cold from the profile. */
export const startPaths = ["standby", "cold"] as const;
export type StartPath = (typeof startPaths)[number];

/** What the archive of an ended run's log holds: all Azure kept of it, or not. */
export const logStates = ["complete", "incomplete"] as const;
export type LogState = (typeof logStates)[number];

export function isTerminal(status: RunStatus): status is TerminalRunStatus {
  return (terminalRunStatuses as readonly string[]).includes(status);
}

/** Whether the run's current attempt is over: the run ended, or it waits to retry. It no longer keeps its group (or is about to leave it). */
export function attemptEnded(run: Pick<RunRecord, "status">): boolean {
  return isTerminal(run.status) || run.status === "retrying";
}

/**
 * The run as the API shows it. The type is inferred from this schema, and the OpenAPI document
 * is generated from it, so the shape is written once.
 */
/** One attempt of a run: the first, and each retry after a failed one. */
export const runAttemptSchema = z.object({
  attempt: z.int().min(1),
  group: z.string().optional(),
  dispatchedAt: z.iso.datetime().optional(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  exitCode: z.int().optional(),
  status: z.enum(runStatuses),
  message: z.string().optional(),
  restartCount: z.int().describe("How often ACI restarted the attempt's container on its own; it stays one attempt.").optional(),
});

export type RunAttempt = z.infer<typeof runAttemptSchema>;

export const runViewSchema = z.object({
  id: z.string(),
  status: z.enum(runStatuses).describe("`retrying`: an attempt failed and the next one is due at `retryAt`; the run is not final."),
  group: z.string().describe("The container group the run was dispatched to.").optional(),
  env: z.record(z.string(), z.string()),
  command: z.array(z.string()).optional(),
  image: z.string().describe("The image the run's container runs; known once its group was seen carrying the run.").optional(),
  createdAt: z.iso.datetime(),
  dispatchedAt: z.iso.datetime().describe("When a group was taken for the run (queued runs wait until then).").optional(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  exitCode: z.int().optional(),
  message: z.string().optional(),
  startedBy: z.string().describe("Who started it: `key:<label>` or the Entra ID caller.").optional(),
  timeoutSeconds: z.int().describe("How long the run's container may run, counted from its start; past it the run ends `timed_out`.").optional(),
  maxRetries: z.int().describe("How many times a failed attempt is run again.").optional(),
  retryOnTimeout: z.boolean().describe("Whether an attempt that ran past `timeoutSeconds` is retried too.").optional(),
  webhookUrl: z.string().describe("Where the run's events are sent too, as its request asked (besides the service's own webhook).").optional(),
  attempt: z.int().min(1).describe("The current attempt: 1, then one more per retry."),
  retryAt: z.iso.datetime().describe("While `retrying`: when the next attempt joins the queue.").optional(),
  restartCount: z.int().describe("How often ACI restarted the current attempt's container on its own.").optional(),
  startPath: z
    .enum(startPaths)
    .describe("Standby dispatch only: how the current attempt's group came to be, `standby` (claimed ready from the standby pool) or `cold` (the pool had none ready: created from the profile). Known once the group was seen carrying the run.")
    .optional(),
  attempts: z.array(runAttemptSchema).describe("Every attempt dispatched so far, the current one last (at most 11)."),
  log: z
    .enum(logStates)
    .describe("Once the run ended (or, while it waits to retry, its last attempt): whether its archived log holds all Azure kept of it (`complete`), or its last copy failed or came too late (`incomplete`).")
    .optional(),
});

export type RunView = z.infer<typeof runViewSchema>;

/** What the store keeps beyond the view: the bookkeeping of dispatch and idempotency. */
export interface RunRecord extends Omit<RunView, "attempt" | "attempts"> {
  /** the current attempt; absent on runs stored before retries, which had one */
  attempt?: number;
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
  /** the attempts before the current one, oldest first */
  earlierAttempts?: RunAttempt[];
}

const viewFields = Object.keys(runViewSchema.shape) as Array<keyof RunView>;

export function attemptOf(run: Pick<RunRecord, "attempt">): number {
  return run.attempt ?? 1;
}

/**
 * Whether two copies of a run are of the same claim: the same attempt, dispatched at the same
 * moment (or not dispatched at all). What was read of one claim's group says nothing of another's.
 */
export function sameClaim(a: Pick<RunRecord, "attempt" | "claimedAt">, b: Pick<RunRecord, "attempt" | "claimedAt">): boolean {
  return attemptOf(a) === attemptOf(b) && a.claimedAt === b.claimedAt;
}

/** The current attempt as the run's own fields tell it; undefined before its dispatch. */
export function currentAttempt(record: RunRecord): RunAttempt | undefined {
  if (record.claimedAt === undefined) return undefined;
  return {
    attempt: attemptOf(record),
    status: record.status,
    ...(record.group ? { group: record.group } : {}),
    dispatchedAt: record.claimedAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.exitCode !== undefined ? { exitCode: record.exitCode } : {}),
    ...(record.message ? { message: record.message.slice(0, 1024) } : {}),
    ...(record.restartCount ? { restartCount: record.restartCount } : {}),
  };
}

/** The API's view of a stored run: the schema's fields, in its order, those the record has. */
export function runView(record: RunRecord): RunView {
  const current = currentAttempt(record);
  const attempts = [...(record.earlierAttempts ?? []), ...(current ? [current] : [])];
  const source: Partial<RunView> = { ...record, dispatchedAt: record.claimedAt, attempt: attemptOf(record), attempts };
  return Object.fromEntries(viewFields.filter((field) => source[field] !== undefined).map((field) => [field, source[field]])) as RunView;
}
