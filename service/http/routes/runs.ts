import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env.js";
import { ServiceError } from "../../core/service-error.js";
import { startedBy } from "../caller.js";
import { armCodes, authCodes, errorResponses, runLookupCodes, type DocumentLimits } from "../openapi.js";
import { idempotencyKey, listQuery, logsQuery, runIdParams } from "../run-parameters.js";
import { json, runLogsSchema, runPageSchema, runSchema } from "../schemas.js";
import { openApiRoutes, validate, validated } from "../validate.js";
import { emptyBodyAsObject } from "../empty-body.js";
import { followResponse, lastEventId } from "../log-stream.js";
import { runRequestSchema } from "../../core/run-request.js";
import type { RunService } from "../../runs/run-service.js";

/** Whether `Accept` prefers text/plain to JSON (no q-values weighed: text named without JSON). */
const wantsText = (accept: string | undefined) => /\btext\/plain\b/i.test(accept ?? "") && !/\bapplication\/json\b/i.test(accept ?? "");

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
  limits: DocumentLimits;
  /** Throws `TooManyRequests` when the start rate limit is reached; called before each start. */
  admitStart: () => void;
}

const runResponse = (description: string) => ({ description, content: json(runSchema) });

const listRuns = createRoute({
  method: "get",
  path: "/",
  operationId: "listRuns",
  summary: "Runs, newest first, a page at a time.",
  request: { query: listQuery },
  responses: {
    200: { description: "One page of runs.", content: json(runPageSchema) },
    ...errorResponses(["InvalidRequest", ...authCodes, "StoreUnavailable", "InternalError"]),
  },
});

const getRun = createRoute({
  method: "get",
  path: "/{id}",
  operationId: "getRun",
  summary: "The run's status.",
  request: { params: runIdParams },
  responses: { 200: runResponse("The run."), ...errorResponses(runLookupCodes) },
});

const getRunLogs = createRoute({
  method: "get",
  path: "/{id}/logs",
  operationId: "getRunLogs",
  summary: "The logs of the run's target container, from the run's log archive.",
  description:
    "All of the run's output the archive holds (`tail`: its last lines): as JSON, or as the bare text when `Accept` asks for `text/plain`. " +
    "With `follow=true`, server-sent events instead: each new line as `id: <n>` (its number in the archive) and `data: <text>`, " +
    "a note of the archive (a gap, the cap) as `event: notice`, and the run's end as `event: end` with `data: {\"status\": ...}`, after which the stream closes. " +
    "A reconnect with `Last-Event-ID: <n>` resumes at line n+1.",
  request: { params: runIdParams, query: logsQuery, headers: z.object({ "last-event-id": z.string().optional().openapi({ description: "With `follow=true`: the last line received; the stream resumes after it." }) }) },
  responses: {
    200: {
      description: "The logs.",
      content: {
        ...json(runLogsSchema),
        "text/plain": { schema: z.string().openapi({ description: "The lines, each ending with a newline." }) },
        "text/event-stream": { schema: z.string().openapi({ description: "With `follow=true`: the lines as server-sent events, until the run ends." }) },
      },
    },
    ...errorResponses([...runLookupCodes, "ContainerNotFound", "LogsUnavailable"]),
  },
});

const cancelRun = createRoute({
  method: "post",
  path: "/{id}/cancel",
  operationId: "cancelRun",
  summary: "Cancel the run: a queued one never starts; an active one's group is stopped.",
  request: { params: runIdParams },
  responses: { 200: runResponse("The group was stopped; the run is canceled."), ...errorResponses([...runLookupCodes, "RunNotActive"]) },
});

/** POST /runs, GET /runs, GET /runs/{id}, GET /runs/{id}/logs, POST /runs/{id}/cancel. */
export function runRoutes({ runs, limits, admitStart }: RunRoutesOptions) {
  const tooLarge = (): never => {
    throw new ServiceError("PayloadTooLarge", `The request body exceeds ${limits.maxBodyBytes} bytes.`);
  };
  const app = openApiRoutes();
  const request = app.openAPIRegistry.register("RunRequest", runRequestSchema(limits));
  const key = app.openAPIRegistry.registerParameter("IdempotencyKey", idempotencyKey);
  const keyHeader = z.object({ "idempotency-key": key });

  // The body and key are validated by this route's own middleware, in this order, with the schemas
  // registered above: the library would put its own media-type check in front of the body, which
  // refuses types `requireJson` accepts (`application/vnd.example.v1+json`) with a bare 415.
  const startRun = createRoute({
    method: "post",
    path: "/",
    operationId: "startRun",
    summary: "Start a run: re-create a free container group with this env, or queue it.",
    middleware: [requireJson, bodyLimit({ maxSize: limits.maxBodyBytes, onError: tooLarge }), emptyBodyAsObject, validate("header", keyHeader), validate("json", request)],
    parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }],
    request: { body: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/RunRequest" } } } } },
    responses: {
      202: {
        description: "ARM accepted the re-create (the run is `starting`), or every group is busy and the run is `queued`.",
        headers: z.object({
          Location: z.string().openapi({ description: "/runs/{id}" }),
          "Idempotent-Replayed": z.literal("true").optional().openapi({ description: "Present when the key replayed an earlier run." }),
        }),
        content: json(runSchema),
      },
      ...errorResponses([
        "InvalidRequest",
        "SecureVariableOverride",
        "WebhookUrlNotAllowed",
        ...authCodes,
        "RunInProgress",
        "QueueFull",
        "TooManyRequests",
        "PayloadTooLarge",
        "UnsupportedMediaType",
        "IdempotencyKeyReused",
        ...armCodes,
        "ArmRejectedDefinition",
        "SecretNotConfigured",
        "ContainerNotFound",
        "TooManyTags",
      ]),
    },
  });

  return app
    .openapi(startRun, async (c) => {
      admitStart();
      const { run, replayed } = await runs.start(validated(c, "json", request), validated(c, "header", keyHeader)["idempotency-key"], startedBy(c.var.caller));
      c.set("runId", run.id);
      c.var.log.info(replayed ? "run replayed" : run.status === "queued" ? "run queued" : "run started", { runId: run.id, ...(run.group ? { group: run.group } : {}) });
      c.header("Location", `/runs/${run.id}`);
      if (replayed) c.header("Idempotent-Replayed", "true");
      return c.json(run, 202);
    })
    .openapi(listRuns, async (c) => {
      const { status, limit, cursor } = c.req.valid("query");
      return c.json(await runs.list({ limit, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }), 200);
    })
    .openapi(getRun, async (c) => {
      const { id } = c.req.valid("param");
      c.set("runId", id);
      return c.json(await runs.status(id), 200);
    })
    .openapi(getRunLogs, async (c) => {
      const { id } = c.req.valid("param");
      c.set("runId", id);
      const { tail, follow } = c.req.valid("query");
      if (follow === "true") return followResponse(c, (signal) => runs.follow(id, lastEventId(c.req.header("Last-Event-ID")), signal));
      const logs = await runs.logs(id, tail);
      return wantsText(c.req.header("Accept")) ? c.text(logs.content, 200) : c.json(logs, 200);
    })
    .openapi(cancelRun, async (c) => {
      const { id } = c.req.valid("param");
      c.set("runId", id);
      const run = await runs.cancel(id);
      c.var.log.info("run canceled", { runId: id });
      return c.json(run, 200);
    });
}
