import { z } from "@hono/zod-openapi";
import { invalidCursorMessage, maxCursorLength, openCursor } from "../core/run-cursor.js";
import { runStatuses } from "../core/run.js";

/*
 * What the run routes accept besides the body: the path, query and header schemas they validate
 * with, which are also what the OpenAPI document prints.
 */

/** The largest `tail` a caller may ask for; ARM keeps at most 1,000 lines of a stopped group. */
export const maxLogTail = 10_000;
/** The most runs one page of GET /runs may hold. */
export const maxPageSize = 100;
export const defaultPageSize = 20;
export const maxIdempotencyKeyLength = 255;

export const runIdPattern = /^[A-Za-z0-9_-]{1,128}$/;
/** What a `nextCursor` looks like: anything else never came from this service. */
export const cursorPattern = new RegExp(`^[A-Za-z0-9_-]{1,${maxCursorLength}}$`);
export const idempotencyKeyPattern = /^[\x21-\x7e]+$/;

export const runIdParams = z.object({
  id: z.string().regex(runIdPattern, "must be 1 to 128 letters, digits, '-' or '_'").openapi({ description: "The run's id, as POST /runs answered it." }),
});

export const logsQuery = z.object({
  tail: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(maxLogTail, `must be at most ${maxLogTail}`)
    .optional()
    .openapi({ description: "Only the last lines of the output." }),
  follow: z.enum(["true", "false"], "must be true or false").optional().openapi({ description: "`true`: stream new lines as server-sent events until the run ends." }),
});

export const listQuery = z.object({
  status: z.enum(runStatuses, `must be one of ${runStatuses.join(", ")}`).optional().openapi({ description: "Only runs in this status." }),
  limit: z.coerce
    .number("must be a number")
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(maxPageSize, `must be at most ${maxPageSize}`)
    .default(defaultPageSize),
  cursor: z.string().regex(cursorPattern, invalidCursorMessage).refine((cursor) => openCursor(cursor) !== undefined, invalidCursorMessage).optional().openapi({ description: "`nextCursor` of the previous page." }),
});

/** The Idempotency-Key header of POST /runs; `runRoutes` registers it as a document component. */
export const idempotencyKey = z
  .string()
  .regex(idempotencyKeyPattern, "must be printable ASCII without spaces")
  .max(maxIdempotencyKeyLength, `must be at most ${maxIdempotencyKeyLength} characters`)
  .optional()
  .openapi({
    param: { name: "Idempotency-Key", in: "header" },
    description: "A repeat with the same key and body returns the same run instead of starting another.",
  });
