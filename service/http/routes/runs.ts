import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as z from "zod";
import type { AppEnv } from "../app-env.js";
import { ServiceError } from "../errors.js";
import { startedBy } from "../caller.js";
import { runRequestSchema, type RunRequestLimits } from "../../core/run-request.js";
import { runStatuses } from "../../core/run.js";
import { invalidCursorMessage, openCursor } from "../../core/run-cursor.js";
import type { RunService } from "../../runs/run-service.js";
import { validate } from "../validate.js";
import { emptyBodyAsObject } from "../empty-body.js";

/** The largest `tail` a caller may ask for; ARM keeps at most 1,000 lines of a stopped group. */
export const maxLogTail = 10_000;
export const maxIdempotencyKeyLength = 255;

export const runIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

const idParam = z.object({ id: z.string().regex(runIdPattern, "must be 1 to 128 letters, digits, '-' or '_'") });

const logsQuery = z.object({
  tail: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(maxLogTail, `must be at most ${maxLogTail}`)
    .optional(),
});

/** The most runs one page of GET /runs may hold. */
export const maxPageSize = 100;

const listQuery = z.object({
  status: z.enum(runStatuses, `must be one of ${runStatuses.join(", ")}`).optional(),
  limit: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(maxPageSize, `must be at most ${maxPageSize}`)
    .default(20),
  cursor: z.string().refine((cursor) => openCursor(cursor) !== undefined, invalidCursorMessage).optional(),
});

const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .max(maxIdempotencyKeyLength, `must be at most ${maxIdempotencyKeyLength} characters`)
    .optional(),
});

const jsonMediaType = /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i;

// Checked before the body is read, so a form or text body gets 415, not a parse error.
const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!jsonMediaType.test(c.req.header("Content-Type") ?? "")) {
    throw new ServiceError("UnsupportedMediaType", "The request body must be JSON (Content-Type: application/json).");
  }
  await next();
};

export interface RunRoutesOptions {
  runs: RunService;
  limits: RunRequestLimits & { maxBodyBytes: number };
  /** Throws `TooManyRequests` when the start rate limit is reached; called before each start. */
  admitStart: () => void;
}

/** POST /runs, GET /runs, GET /runs/{id}, GET /runs/{id}/logs, POST /runs/{id}/cancel. */
export function runRoutes({ runs, limits, admitStart }: RunRoutesOptions) {
  const tooLarge = (): never => {
    throw new ServiceError("PayloadTooLarge", `The request body exceeds ${limits.maxBodyBytes} bytes.`);
  };

  return new Hono<AppEnv>()
    .post(
      "/",
      requireJson,
      bodyLimit({ maxSize: limits.maxBodyBytes, onError: tooLarge }),
      emptyBodyAsObject,
      validate("header", idempotencyHeader),
      validate("json", runRequestSchema(limits)),
      async (c) => {
        const key = c.req.valid("header")["idempotency-key"];
        admitStart();
        const { run, replayed } = await runs.start(c.req.valid("json"), key, startedBy(c.var.caller));
        c.set("runId", run.id);
        c.var.log.info(replayed ? "run replayed" : run.status === "queued" ? "run queued" : "run started", { runId: run.id, ...(run.group ? { group: run.group } : {}) });
        c.header("Location", `/runs/${run.id}`);
        if (replayed) c.header("Idempotent-Replayed", "true");
        return c.json(run, 202);
      },
    )
    .get("/", validate("query", listQuery), async (c) => {
      const { status, limit, cursor } = c.req.valid("query");
      return c.json(await runs.list({ limit, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }), 200);
    })
    .get("/:id", validate("param", idParam), async (c) => {
      const { id } = c.req.valid("param");
      c.set("runId", id);
      return c.json(await runs.status(id), 200);
    })
    .get("/:id/logs", validate("param", idParam), validate("query", logsQuery), async (c) => {
      const { id } = c.req.valid("param");
      c.set("runId", id);
      return c.json(await runs.logs(id, c.req.valid("query").tail), 200);
    })
    .post("/:id/cancel", validate("param", idParam), async (c) => {
      const { id } = c.req.valid("param");
      c.set("runId", id);
      const run = await runs.cancel(id);
      c.var.log.info("run canceled", { runId: id });
      return c.json(run, 200);
    });
}
