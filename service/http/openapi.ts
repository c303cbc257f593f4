import { createRoute, z, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env.js";
import { errorCodes, type ErrorCode } from "./error-codes.js";
import { errorBodySchema, json, readinessSchema } from "./schemas.js";
import { envNamePattern, type RunRequestLimits } from "../core/run-request.js";

/*
 * The OpenAPI 3.1 document is generated from the routes (`createRoute`) and the schemas they
 * validate and answer with. What lives here: which error codes a group of routes may answer, how
 * codes become documented responses, and the few facts a zod schema cannot carry.
 */

/** What authentication in front of /runs may answer. */
export const authCodes: ErrorCode[] = ["Unauthorized", "TooManyFailedAuthentications", "EntraUnavailable"];
/** Failures any ARM call can end in; every run route reads the group first. */
export const armCodes: ErrorCode[] = ["ArmUnavailable", "ArmAccessDenied", "ArmConflict", "ArmRejectedRequest", "ContainerGroupNotFound", "ArmBusy", "StoreUnavailable", "InternalError"];
/** What a route that finds a run by its id may answer. */
export const runLookupCodes: ErrorCode[] = ["InvalidRequest", ...authCodes, "RunNotFound", ...armCodes];

// Codes whose body is not the error shape.
const bodyOf: Partial<Record<ErrorCode, z.ZodType>> = { NotReady: readinessSchema };

const retryAfter = z.int().optional().openapi({ description: "Seconds to wait before retrying." });
const wwwAuthenticate = z.literal("Bearer");

function headersFor(codes: readonly ErrorCode[]) {
  const shape: Record<string, z.ZodType> = {};
  if (codes.some((code) => "retryAfter" in errorCodes[code])) shape["Retry-After"] = retryAfter;
  if (codes.includes("Unauthorized")) shape["WWW-Authenticate"] = wwwAuthenticate;
  return Object.keys(shape).length > 0 ? { headers: z.object(shape) } : {};
}

function bodyFor(codes: readonly ErrorCode[]): z.ZodType {
  const schemas = [...new Set(codes.map((code) => bodyOf[code] ?? errorBodySchema))];
  const [first, second, ...rest] = schemas;
  return second ? z.union([first!, second, ...rest]) : first!;
}

/** One documented response per status, listing each code it may carry and what to do about it. */
export function errorResponses(codes: readonly ErrorCode[]): RouteConfig["responses"] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(errorCodes[code].status, [...(byStatus.get(errorCodes[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((code) => `\`${code}\`: ${errorCodes[code].action}`).join("\n\n"),
        ...headersFor(list),
        content: { "application/json": { schema: bodyFor(list) } },
      },
    ]),
  );
}

/** GET /openapi.json, open like the health routes. */
export const documentRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  operationId: "openApi",
  summary: "This document.",
  security: [],
  responses: { 200: { description: "OpenAPI 3.1.", content: json(z.looseObject({})) } },
});

// Hono's requestId() keeps a caller's id that matches this and makes a new one otherwise.
const requestId = z
  .string()
  .max(255)
  .regex(/^[\w=-]+$/)
  .optional()
  .openapi({ param: { name: "X-Request-Id", in: "header" }, description: "Your id for this request, echoed back; a new one is made when absent or unusable." });

export type DocumentLimits = RunRequestLimits & { maxBodyBytes: number };

/** The document of every route registered on `app` (and its mounted sub-apps), with this deployment's limits. */
export function openApiDocument(app: OpenAPIHono<AppEnv>, limits: DocumentLimits) {
  app.openAPIRegistry.registerParameter("RequestId", requestId);
  app.openAPIRegistry.registerComponent("headers", "X-Request-Id", {
    description: "The request's id (yours, or a new one): quote it when reporting a failure.",
    schema: { type: "string" },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "One of the keys in TRIGGER_API_KEYS, or an Entra ID access token for this API.",
  });
  const document = app.getOpenAPI31Document({
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
  });
  describeRunRequest(document.components?.schemas?.["RunRequest"], limits);
  for (const path of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(path) as OperationObject[]) addRequestId(operation);
  }
  return document;
}

type OperationObject = { parameters?: object[]; responses?: Record<string, { headers?: Record<string, object> }> };

/** Every request, whatever its route, passes the requestId() middleware. */
function addRequestId(operation: OperationObject) {
  operation.parameters = [...(operation.parameters ?? []), { $ref: "#/components/parameters/RequestId" }];
  for (const response of Object.values(operation.responses ?? {})) {
    response.headers = { ...response.headers, "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" } };
  }
}

/**
 * The count, name and size rules of `env` are checked in a refinement, which JSON Schema cannot
 * carry: they are added here. `command` stays in the schema while disabled (to refuse it with a
 * message naming the setting) but is left out of the document. The operator's allow-list is not
 * printed: this document is open to anonymous callers.
 */
function describeRunRequest(schema: object | undefined, limits: DocumentLimits) {
  const properties = (schema as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  if (!properties) throw new Error("the run request schema is missing from the OpenAPI document");
  if (!limits.allowCommand) delete properties["command"];
  properties["env"] = {
    ...properties["env"],
    maxProperties: limits.maxEnvCount,
    propertyNames: { type: "string", pattern: envNamePattern.source },
    description: `Variables added to the target container for this run; names and values together at most ${limits.maxEnvBytes} UTF-8 bytes.`,
  };
}
