import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "./app-env.js";

const tracer = trace.getTracer("aci-http-trigger");

/**
 * One server span per request, a child of the caller's `traceparent` if it sent one; the store
 * and ARM calls made while answering are its children. Named by route, not path, and carrying the
 * run id: never a header, query or body.
 */
export const requestSpan: MiddlewareHandler<AppEnv> = async (c, next) => {
  const parent = propagation.extract(context.active(), Object.fromEntries(c.req.raw.headers));
  await tracer.startActiveSpan(`${c.req.method} ${c.req.path}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": c.req.method } }, parent, async (span) => {
    try {
      await next();
    } finally {
      const route = routePath(c, -1);
      span.updateName(`${c.req.method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": c.res.status, ...(c.var.runId ? { "trigger.run.id": c.var.runId } : {}) });
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  });
};
