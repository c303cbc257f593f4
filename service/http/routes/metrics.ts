import { createRoute, z } from "@hono/zod-openapi";
import { authCodes, errorResponses } from "../openapi.js";
import { openApiRoutes } from "../validate.js";

const metrics = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "metrics",
  summary: "The service's metrics in Prometheus text format (when TRIGGER_METRICS is true).",
  responses: {
    200: { description: "Prometheus text exposition format 0.0.4.", content: { "text/plain": { schema: z.string() } } },
    ...errorResponses([...authCodes, "InternalError"]),
  },
});

/** GET /metrics: what `text` answers, for a scraper holding an API key. */
export function metricsRoutes(text: () => Promise<string>) {
  return openApiRoutes().openapi(metrics, async (c) => c.text(await text(), 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }));
}
