import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env.js";
import { requireBearer } from "./auth.js";
import type { Config } from "./config.js";
import { ServiceError, toErrorResponse } from "./errors.js";
import type { Logger } from "./logger.js";
import { openApiDocument } from "./openapi.js";
import type { Readiness } from "./readiness.js";
import { healthRoutes } from "./routes/health.js";
import { runRoutes } from "./routes/runs.js";
import type { RunService } from "./runs/run-service.js";

export interface AppDeps {
  runs: RunService;
  config: Pick<Config, "auth" | "limits">;
  logger: Logger;
  /** config and store usable; ARM and secrets as details (see readiness.ts) */
  readiness: () => Promise<Readiness>;
}

/**
 * The trigger service's HTTP app: request ids, JSON request logs, bearer auth on /runs, one
 * validation shape, one error mapping. Everything it touches comes in through `deps`, so a test
 * builds a fresh app around a run service of its own.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, logger, runs, readiness } = deps;
  if (config.auth.kind === "none") {
    logger.warn("authentication is disabled: anyone who can reach the service can start and cancel runs");
  }
  const document = openApiDocument(config.limits);

  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const log = logger.child({ requestId: c.var.requestId });
    c.set("log", log);
    const started = performance.now();
    await next();
    log.info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
      ...(c.var.runId ? { runId: c.var.runId } : {}),
    });
  });
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const { status, body } = toErrorResponse(new ServiceError("MethodNotAllowed", `Use ${methods.join(", ")} on ${c.req.path}.`));
        return c.json(body, status as ContentfulStatusCode, { Allow: methods.join(", ") });
      },
    }),
  );
  app.use("/runs", requireBearer(config.auth));
  app.use("/runs/*", requireBearer(config.auth));

  app.route("/", healthRoutes(readiness));
  app.get("/openapi.json", (c) => c.json(document, 200));
  app.route("/runs", runRoutes({ runs, limits: config.limits }));

  app.notFound((c) => {
    const { status, body } = toErrorResponse(new ServiceError("NotFound", `No route ${c.req.method} ${c.req.path}.`));
    return c.json(body, status as ContentfulStatusCode);
  });
  app.onError((error, c) => {
    const response = toErrorResponse(error);
    const log = c.var.log ?? logger;
    if (response.unexpected) log.error("request failed", { error });
    else if (response.status >= 500) log.warn("request refused", { code: response.body.error.code, cause: error });
    return c.json(response.body, response.status as ContentfulStatusCode, response.headers);
  });
  return app;
}
