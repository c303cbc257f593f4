import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../service/app-env.js";
import { createAuthenticator } from "../../service/http/auth.js";
import type { Caller } from "../../service/http/caller.js";
import { createWindowCounter } from "../../service/http/rate-limit.js";
import { createLogger } from "../../service/logger.js";
import type { RunRequest } from "../../service/run-request.js";
import { runRoutes, type RunServiceForRoutes } from "../../service/routes/runs.js";
import { testConfig } from "../helpers/service-app.js";

/** A run service that records each start's arguments and answers a starting run. */
function recordingRuns() {
  const starts: Array<{ request: RunRequest; key: string | undefined; startedBy: Caller }> = [];
  const unused = () => Promise.reject(new Error("not called in this test"));
  const runs: RunServiceForRoutes = {
    start: async (request, key, startedBy) => {
      starts.push({ request, key, startedBy });
      return { run: { id: "run-1", status: "starting", startedAt: "2024-02-01T00:00:00.000Z" }, replayed: false };
    },
    status: unused,
    logs: unused,
    cancel: unused,
  };
  return { runs, starts };
}

function appFor(auth: ReturnType<typeof testConfig>["auth"]) {
  const { runs, starts } = recordingRuns();
  const logger = createLogger({ level: "error", write: () => {} });
  const authenticator = createAuthenticator({ auth, failures: createWindowCounter({ limit: 20, windowMs: 60_000 }), trustedProxyHops: 0, now: () => 0 });
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("log", logger);
      await next();
    })
    .use("/runs/*", authenticator.require)
    .route("/runs", runRoutes({ runs, limits: testConfig().limits, admitStart: () => {} }));
  return { app, starts };
}

const post = (headers: Record<string, string>) => ({ method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: '{"env":{"A":"1"}}' });

describe("the caller a start is recorded under", () => {
  it("is the matched key's label for a key caller", async () => {
    const { app, starts } = appFor({ kind: "required", keys: [{ label: "logic-app", value: "logic-app-key-0123456789" }] });
    const res = await app.request("/runs", post({ Authorization: "Bearer logic-app-key-0123456789", "Idempotency-Key": "k1" }));
    expect(res.status).toBe(202);
    expect(starts).toEqual([{ request: { env: { A: "1" } }, key: "k1", startedBy: { kind: "key", label: "logic-app" } }]);
  });

  it("is anonymous when authentication is disabled", async () => {
    const { app, starts } = appFor({ kind: "none" });
    await app.request("/runs", post({}));
    expect(starts[0]?.startedBy).toEqual({ kind: "anonymous" });
  });
});
