import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import type { Readiness } from "../readiness.js";

/** GET /healthz (the process answers) and GET /readyz (it can serve runs); both without auth. */
export function healthRoutes(readiness: () => Promise<Readiness>) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }, 200))
    .get("/readyz", async (c) => {
      const result = await readiness();
      if (result.ready) return c.json({ status: "ready", checks: result.checks }, 200);
      c.var.log.warn("not ready", { check: result.failure?.check, reason: result.failure?.message });
      const message = result.failure ? `${result.failure.check}: ${result.failure.message}` : "The service is not ready.";
      return c.json({ status: "not-ready", checks: result.checks, error: { code: "NotReady", message } }, 503);
    });
}
