import type { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env.js";
import { type Config, defaultRateLimits } from "../config.js";
import { ServiceError } from "../core/service-error.js";
import { toErrorResponse } from "./errors.js";
import { createAuthenticator } from "./auth.js";
import { createEntraVerifier, type EntraVerifier } from "./auth-entra.js";
import { createWindowCounter } from "./rate-limit.js";
import type { Logger } from "../logger.js";
import { documentRoute, openApiDocument } from "./openapi.js";
import { openApiRoutes } from "./validate.js";
import type { Readiness } from "../runs/readiness.js";
import { healthRoutes } from "./routes/health.js";
import { pageRoutes } from "./page/page-routes.js";
import { metricsRoutes } from "./routes/metrics.js";
import { deliveryRoutes } from "./routes/deliveries.js";
import { runRoutes } from "./routes/runs.js";
import { requestSpan } from "./request-span.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import type { RunDeliveries } from "../runs/run-deliveries.js";
import type { RunService } from "../runs/run-service.js";

export interface AppDeps {
  runs: RunService;
  config: Pick<Config, "auth" | "limits"> & Partial<Pick<Config, "rateLimits">>;
  logger: Logger;
  /** config and store usable; ARM and secrets as details (see readiness.ts) */
  readiness: () => Promise<Readiness>;
  /** Default: a verifier of `config.auth.entra` on the wall clock, when Entra ID is configured. */
  entra?: EntraVerifier;
  /** Let callers without credentials in (presented ones are still checked): `npm start` only. */
  allowAnonymous?: boolean;
  /** The clock of the rate limits; default the wall clock. */
  now?: () => Date;
  /** GET /runs/{id}/deliveries and redelivery; unset, those routes do not exist. */
  deliveries?: RunDeliveries;
  /** Request spans when enabled, and GET /metrics when it has `metricsText`; default none. */
  telemetry?: Pick<Telemetry, "enabled" | "metricsText">;
}

/**
 * The trigger service's HTTP app: request ids, JSON request logs, authentication and rate limits
 * on /runs, one validation shape, one error mapping. Everything it touches comes in through
 * `deps`, so a test builds a fresh app around a run service of its own.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { config, logger, runs, readiness } = deps;
  if (config.auth.kind === "none") {
    logger.warn("authentication is disabled: anyone who can reach the service can start and cancel runs");
  } else if (deps.allowAnonymous) {
    logger.warn("anonymous callers are let in: anyone who can reach the service can start and cancel runs");
  }
  const rateLimits = config.rateLimits ?? defaultRateLimits;
  const now = deps.now ?? (() => new Date());
  const clock = () => now().getTime();
  const entra = deps.entra ?? (config.auth.kind === "required" && config.auth.entra ? createEntraVerifier(config.auth.entra) : undefined);
  const authenticator = createAuthenticator({
    auth: config.auth,
    ...(entra ? { entra } : {}),
    ...(deps.allowAnonymous ? { allowAnonymous: true } : {}),
    failures: createWindowCounter({ limit: rateLimits.maxFailedAuthPerMinute, windowMs: 60_000 }),
    trustedProxyHops: rateLimits.trustedProxyHops,
    now: clock,
  });
  const starts = createWindowCounter({ limit: rateLimits.maxStartsPerMinute, windowMs: 60_000 });
  const admitStart = () => {
    const wait = starts.take("all", clock());
    if (wait !== undefined) {
      throw new ServiceError("TooManyRequests", `More than ${rateLimits.maxStartsPerMinute} runs were started in the last minute; retry after ${wait} s.`, {
        retryAfterMs: wait * 1000,
      });
    }
  };
  const app = openApiRoutes();
  if (deps.telemetry?.enabled) app.use(requestSpan);
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
      ...(c.var.caller ? { caller: c.var.caller } : {}),
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
  // Hono's "/runs/*" also matches "/runs" itself: one registration, so each request is checked once.
  app.use("/runs/*", authenticator.require);
  const metricsText = deps.telemetry?.metricsText;
  if (metricsText) {
    app.use("/metrics", authenticator.require);
    app.route("/", metricsRoutes(metricsText));
  }

  app.route("/", healthRoutes(readiness, authenticator.identifyIfPresented));
  app.route("/runs", runRoutes({ runs, limits: config.limits, admitStart }));
  if (deps.deliveries) app.route("/runs", deliveryRoutes(deps.deliveries));
  app.route("/", pageRoutes({ runs, identify: authenticator.identifyIfPresented, open: config.auth.kind === "none" || Boolean(deps.allowAnonymous), now }));
  app.openapi(documentRoute, (c) => c.json(document, 200));
  // Generated once every route is registered, this one included; a schema it cannot print fails the start.
  const document = openApiDocument(app, config.limits);

  app.notFound((c) => {
    const { status, body } = toErrorResponse(new ServiceError("NotFound", `No route ${c.req.method} ${c.req.path}.`));
    return c.json(body, status as ContentfulStatusCode);
  });
  app.onError((error, c) => {
    const response = toErrorResponse(error);
    const log = c.var.log ?? logger;
    if (response.unexpected) log.error("request failed", { err: error });
    else if (response.status >= 500) log.warn("request refused", { code: response.body.error.code, err: error });
    return c.json(response.body, response.status as ContentfulStatusCode, response.headers);
  });
  return app;
}
