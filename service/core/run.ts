import * as z from "zod";

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

/**
 * The run as the API shows it. The type is inferred from this schema, and the OpenAPI document
 * is generated from it, so the shape is written once.
 */
export const runViewSchema = z.object({
  id: z.string(),
  status: z.enum(runStatuses),
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
});

export type RunView = z.infer<typeof runViewSchema>;

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

const viewFields = Object.keys(runViewSchema.shape) as Array<keyof RunView>;

/** The API's view of a stored run: the schema's fields, in its order, those the record has. */
export function runView(record: RunRecord): RunView {
  const source: Partial<RunView> = { ...record, dispatchedAt: record.claimedAt };
  return Object.fromEntries(viewFields.filter((field) => source[field] !== undefined).map((field) => [field, source[field]])) as RunView;
}
