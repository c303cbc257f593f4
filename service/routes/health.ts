import { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import type { Readiness } from "../readiness.js";

/** GET /healthz (the process answers) and GET /readyz (it can serve runs); both without auth. */
export function healthRoutes(readiness: () => Promise<Readiness>) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }, 200))
    .get("/readyz", async (c) => {
      const result = await readiness();
      const problems = result.problems.map((problem) => `${problem.check}: ${problem.message}`);
      if (problems.length > 0) c.var.log.warn(result.ready ? "degraded" : "not ready", { problems });
      if (result.ready) {
        return c.json({ status: problems.length > 0 ? "degraded" : "ready", checks: result.checks, ...(problems.length > 0 ? { problems } : {}) }, 200);
      }
      return c.json({ status: "not-ready", checks: result.checks, error: { code: "NotReady", message: problems.join("; ") } }, 503);
    });
}
