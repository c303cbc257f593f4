import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { errorResponses } from "../openapi.js";
import { healthSchema, json, readinessSchema } from "../schemas.js";
import { openApiRoutes } from "../validate.js";
import type { Readiness } from "../../runs/readiness.js";

const health = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "health",
  summary: "The process is alive.",
  security: [],
  responses: { 200: { description: "Alive.", content: json(healthSchema) } },
});

/**
 * GET /healthz (the process answers) and GET /readyz (it can serve runs), both open. An anonymous
 * /readyz gives the status alone: the checks and problems name secrets, groups and ARM codes,
 * which only a caller with a credential (and the service's log) may see.
 */
export function healthRoutes(readiness: () => Promise<Readiness>, identify: MiddlewareHandler<AppEnv>) {
  const ready = createRoute({
    method: "get",
    path: "/readyz",
    operationId: "ready",
    summary: "Configuration complete and the run store usable; ARM and secrets reported as details.",
    description: "Open. `checks` and the problems are given only to a caller with a credential; anonymous callers get the status alone.",
    security: [{}, { bearer: [] }],
    middleware: [identify],
    responses: {
      200: { description: "Ready, perhaps degraded.", content: json(readinessSchema) },
      ...errorResponses(["Unauthorized", "TooManyFailedAuthentications", "EntraUnavailable", "NotReady"]),
    },
  });

  return openApiRoutes()
    .openapi(health, (c) => c.json({ status: "ok" as const }, 200))
    .openapi(ready, async (c) => {
      const result = await readiness();
      const problems = result.problems.map((problem) => `${problem.check}: ${problem.message}`);
      if (problems.length > 0) c.var.log.warn(result.ready ? "degraded" : "not ready", { problems });
      const detailed = c.var.caller !== undefined;
      if (result.ready) {
        const status = problems.length > 0 ? "degraded" : "ready";
        return c.json(detailed ? { status, checks: result.checks, ...(problems.length > 0 ? { problems } : {}) } : { status }, 200);
      }
      if (!detailed) {
        return c.json({ status: "not-ready", error: { code: "NotReady", message: "The service is not ready; its log, or /readyz with a credential, says why." } }, 503);
      }
      return c.json({ status: "not-ready", checks: result.checks, error: { code: "NotReady", message: problems.join("; ") } }, 503);
    });
}
