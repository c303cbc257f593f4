import * as z from "zod";
import { errorCodes, type ErrorCode } from "./error-codes.js";
import { envNamePattern, runRequestSchema, type RunRequestLimits } from "../core/run-request.js";
import { runStatuses } from "../core/run.js";
import { maxIdempotencyKeyLength, maxLogTail, maxPageSize, runIdPattern } from "./routes/runs.js";

const json = (schema: object) => ({ "application/json": { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

// Failures any ARM call can end in; every run route reads the group first.
const armCodes: ErrorCode[] = ["ArmUnavailable", "ArmAccessDenied", "ArmConflict", "ArmRejectedRequest", "ContainerGroupNotFound", "ArmBusy", "StoreUnavailable", "InternalError"];
const authCodes: ErrorCode[] = ["Unauthorized", "TooManyFailedAuthentications", "EntraUnavailable"];
// Answered with a Retry-After header saying how long to wait.
const retryAfterCodes: ReadonlySet<ErrorCode> = new Set(["ArmBusy", "TooManyFailedAuthentications", "TooManyRequests"]);

/** Groups codes by status: one OpenAPI response per status, listing each code and what to do. */
function errorResponses(codes: readonly ErrorCode[]): Record<string, object> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(errorCodes[code].status, [...(byStatus.get(errorCodes[code].status) ?? []), code]);
  const responses: Record<string, object> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Record<string, object> = {};
    if (list.some((code) => retryAfterCodes.has(code))) headers["Retry-After"] = { description: "Seconds to wait before retrying.", schema: { type: "integer" } };
    if (list.includes("Unauthorized")) headers["WWW-Authenticate"] = { schema: { type: "string", const: "Bearer" } };
    if (list.includes("MethodNotAllowed")) headers["Allow"] = { schema: { type: "string" } };
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${errorCodes[code].action}`).join("\n\n"),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: json(ref("Error")),
    };
  }
  return responses;
}

const runIdParameter = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", pattern: runIdPattern.source },
};

const runLookupCodes: ErrorCode[] = ["InvalidRequest", ...authCodes, "RunNotFound", ...armCodes];

/**
 * The OpenAPI 3.1 document served at GET /openapi.json. The run request schema is generated from
 * the same zod schema that validates POST /runs, with this deployment's limits.
 */
export function openApiDocument(limits: RunRequestLimits & { maxBodyBytes: number }) {
  const runRequest = z.toJSONSchema(runRequestSchema(limits), { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  delete (runRequest as { $schema?: string }).$schema;
  // The count, name and size rules are checked in a refinement, which JSON Schema cannot carry.
  // The operator's allow-list is not printed: this document is open to anonymous callers.
  const properties = (runRequest as { properties?: { env?: Record<string, unknown>; command?: unknown } }).properties;
  const env = properties?.env;
  if (properties && !limits.allowCommand) delete properties.command;
  if (env) {
    env["maxProperties"] = limits.maxEnvCount;
    env["propertyNames"] = { type: "string", pattern: envNamePattern.source };
    env["description"] = `Variables added to the target container for this run; names and values together at most ${limits.maxEnvBytes} UTF-8 bytes.`;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "aci-http-trigger",
      version: "1",
      description:
        "Starts runs on a pool of Azure Container Instances container groups by re-creating a free group with each run's " +
        "environment; runs wait in a queue while every group is busy. " +
        `Request bodies up to ${limits.maxBodyBytes} bytes, at most ${limits.maxEnvCount} variables ` +
        `taking ${limits.maxEnvBytes} bytes.`,
    },
    security: [{ bearer: [] }],
    paths: {
      "/runs": {
        post: {
          operationId: "startRun",
          summary: "Start a run: re-create a free container group with this env, or queue it.",
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              description: "A repeat with the same key and body returns the same run instead of starting another.",
              schema: { type: "string", maxLength: maxIdempotencyKeyLength },
            },
          ],
          requestBody: { required: true, content: json(ref("RunRequest")) },
          responses: {
            "202": {
              description: "ARM accepted the re-create (the run is `starting`), or every group is busy and the run is `queued`.",
              headers: {
                Location: { schema: { type: "string" }, description: "/runs/{id}" },
                "Idempotent-Replayed": { schema: { type: "string", const: "true" }, description: "Present when the key replayed an earlier run." },
              },
              content: json(ref("RunView")),
            },
            ...errorResponses([
              "InvalidRequest",
              "SecureVariableOverride",
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
        },
        get: {
          operationId: "listRuns",
          summary: "Runs, newest first, a page at a time.",
          parameters: [
            { name: "status", in: "query", required: false, schema: { type: "string", enum: [...runStatuses] } },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: maxPageSize, default: 20 } },
            { name: "cursor", in: "query", required: false, description: "`nextCursor` of the previous page.", schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "One page of runs.", content: json(ref("RunPage")) },
            ...errorResponses(["InvalidRequest", ...authCodes, "StoreUnavailable", "InternalError"]),
          },
        },
      },
      "/runs/{id}": {
        get: {
          operationId: "getRun",
          summary: "The run's status.",
          parameters: [runIdParameter],
          responses: { "200": { description: "The run.", content: json(ref("RunView")) }, ...errorResponses(runLookupCodes) },
        },
      },
      "/runs/{id}/logs": {
        get: {
          operationId: "getRunLogs",
          summary: "The logs of the run's target container.",
          parameters: [
            runIdParameter,
            { name: "tail", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: maxLogTail } },
          ],
          responses: {
            "200": { description: "The logs.", content: json(ref("RunLogs")) },
            ...errorResponses([...runLookupCodes, "ContainerNotFound", "LogsUnavailable"]),
          },
        },
      },
      "/runs/{id}/cancel": {
        post: {
          operationId: "cancelRun",
          summary: "Cancel the run: a queued one never starts; an active one's group is stopped.",
          parameters: [runIdParameter],
          responses: {
            "200": { description: "The group was stopped; the run is canceled.", content: json(ref("RunView")) },
            ...errorResponses([...runLookupCodes, "RunNotActive"]),
          },
        },
      },
      "/healthz": {
        get: {
          operationId: "health",
          summary: "The process is alive.",
          security: [],
          responses: { "200": { description: "Alive.", content: json({ type: "object", properties: { status: { const: "ok" } } }) } },
        },
      },
      "/readyz": {
        get: {
          operationId: "ready",
          summary: "Configuration complete and the run store usable; ARM and secrets reported as details.",
          description: "Open. `checks` and the problems are given only to a caller with a credential; anonymous callers get the status alone.",
          security: [{}, { bearer: [] }],
          responses: {
            "200": { description: "Ready.", content: json(ref("Readiness")) },
            ...errorResponses(["Unauthorized", "TooManyFailedAuthentications"]),
            "503": {
              description: `\`NotReady\`: the check marked \`failed\` names what to fix.\n\n\`EntraUnavailable\`: ${errorCodes.EntraUnavailable.action}`,
              content: json(ref("Readiness")),
            },
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "openApi",
          summary: "This document.",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1.", content: json({ type: "object" }) } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "One of the keys in TRIGGER_API_KEYS, or an Entra ID access token for this API." },
      },
      schemas: {
        RunRequest: runRequest,
        RunView: {
          type: "object",
          required: ["id", "status", "env", "createdAt"],
          properties: {
            id: { type: "string" },
            status: { type: "string", enum: [...runStatuses] },
            group: { type: "string", description: "The container group the run was dispatched to." },
            env: { type: "object", additionalProperties: { type: "string" } },
            command: { type: "array", items: { type: "string" } },
            image: { type: "string", description: "The image the run's container runs; known once its group carries the run." },
            createdAt: { type: "string", format: "date-time" },
            dispatchedAt: { type: "string", format: "date-time", description: "When a group was taken for the run." },
            startedAt: { type: "string", format: "date-time" },
            finishedAt: { type: "string", format: "date-time" },
            exitCode: { type: "integer" },
            message: { type: "string" },
            startedBy: { type: "string" },
          },
        },
        RunPage: {
          type: "object",
          required: ["runs", "nextCursor"],
          properties: { runs: { type: "array", items: ref("RunView") }, nextCursor: { type: ["string", "null"] } },
        },
        RunLogs: {
          type: "object",
          required: ["id", "content"],
          properties: { id: { type: "string" }, content: { type: "string" } },
        },
        Readiness: {
          type: "object",
          required: ["status"],
          properties: {
            status: { type: "string", enum: ["ready", "degraded", "not-ready"] },
            checks: {
              type: "object",
              properties: Object.fromEntries(
                ["config", "store", "arm", "secrets"].map((name) => [name, { type: "string", enum: ["ok", "failed", "skipped"] }]),
              ),
            },
            problems: { type: "array", items: { type: "string" } },
            error: {
              type: "object",
              properties: { code: { type: "string", const: "NotReady" }, message: { type: "string" } },
            },
          },
        },
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", enum: Object.keys(errorCodes) },
                message: { type: "string" },
                runId: { type: "string", description: "The run concerned (RunInProgress, RunNotActive, IdempotencyKeyReused)." },
                status: { type: "string", description: "RunNotActive: how the run ended." },
                missing: { type: "array", items: { type: "string" }, description: "SecretNotConfigured: what to configure." },
                names: { type: "array", items: { type: "string" }, description: "SecureVariableOverride: the refused variables." },
                armCode: { type: "string", description: "ArmRejectedDefinition, ArmRejectedRequest, ArmConflict: ARM's error code." },
              },
            },
          },
        },
      },
    },
  };
}
