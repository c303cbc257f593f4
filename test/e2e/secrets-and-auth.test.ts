import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { eventually, jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient } from "../helpers/runs-client.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const oldKey = "auth-old-key-0123456789";
const newKey = "auth-new-key-9876543210";
const dbPassword = "auth-db-password-value";
const unconfiguredToken = "auth-token-the-service-lacks";
const aciSecrets = JSON.stringify({ env: { job: { DB_PASSWORD: dbPassword } } });
const unknownRun = "00000000-0000-4000-8000-000000000000";

describe("secrets the bundle cannot restore, and bearer keys", () => {
  let emulator: Emulator;
  let service: ServiceProcess;
  let lacking: ServiceProcess;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const secure = { name: "DB_PASSWORD", secureValue: dbPassword };
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup([secure]), { terminated: true });
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job-lacking", jobGroup([secure, { name: "API_TOKEN", secureValue: unconfiguredToken }]), {
      terminated: true,
    });
    [service, lacking] = await Promise.all([
      // Many wrong keys on purpose: the limit on failed authentications is tested in safe-defaults.
      // No reconcile pass between the tests' own requests: "no ARM call" must see the requests alone.
      startServiceProcess(triggerEnv(emulator, "job", { TRIGGER_API_KEYS: `${oldKey},${newKey}`, ACI_SECRETS: aciSecrets, TRIGGER_MAX_FAILED_AUTH_PER_MINUTE: "1000", TRIGGER_RECONCILE_INTERVAL_MS: "600000" })),
      startServiceProcess(triggerEnv(emulator, "job-lacking", { TRIGGER_API_KEYS: oldKey, ACI_SECRETS: aciSecrets, TRIGGER_RECONCILE_INTERVAL_MS: "600000" })),
    ]);
  });

  afterAll(async () => {
    await Promise.all([service?.stop(), lacking?.stop()]);
    await emulator?.close();
  });

  it("refuses a start with 503 SecretNotConfigured naming the missing secret, and sends no PUT", async () => {
    emulator.clearRequests();
    const answer = await runsClient(lacking.url, oldKey).start({ env: { X: "1" } });

    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("SecretNotConfigured");
    const missing = answer.body.error?.["missing"] as string[];
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain("API_TOKEN");
    expect(missing[0]).toContain("env.job.API_TOKEN");
    expect(answer.body.error?.message).toContain("API_TOKEN");
    expect(emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("reports the secrets check failed on /readyz to a key holder, naming the missing secret, while staying in rotation", async () => {
    const ready = await eventually(() => runsClient(lacking.url, oldKey).call("GET", "/readyz"), (answer) => answer.body.checks?.["arm"] !== "skipped");

    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "degraded", checks: { config: "ok", store: "ok", arm: "ok", secrets: "failed" } });
    expect(JSON.stringify(ready.body)).toContain("API_TOKEN");
  });

  it("reports ready on /readyz to a key holder when every secret of the group is configured", async () => {
    const ready = await eventually(() => runsClient(service.url, oldKey).call("GET", "/readyz"), (answer) => answer.body.checks?.["arm"] !== "skipped");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ready", checks: { config: "ok", store: "ok", arm: "ok", secrets: "ok" } });
  });

  it("answers a missing or wrong key with 401 and a Bearer challenge on every run route, without calling ARM", async () => {
    emulator.clearRequests();
    const wrong = [
      {},
      { authorization: `Bearer ${oldKey}x` },
      { authorization: `Bearer ${oldKey.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`user:${oldKey}`).toString("base64")}` },
      { authorization: oldKey },
      { authorization: `Bearer ${oldKey},${newKey}` },
    ];
    const routes = [
      ["POST", "/runs"],
      ["GET", `/runs/${unknownRun}`],
      ["GET", `/runs/${unknownRun}/logs`],
      ["POST", `/runs/${unknownRun}/cancel`],
    ] as const;
    for (const headers of wrong) {
      for (const [method, path] of routes) {
        const response = await fetch(`${service.url}${path}`, {
          method,
          headers: { ...headers, "content-type": "application/json" },
          ...(method === "POST" ? { body: "{}" } : {}),
        });
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe("Bearer");
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("Unauthorized");
      }
    }
    expect(emulator.requests).toEqual([]);
    expect(emulator.tokenRequests).toEqual([]);
  });

  it("accepts the old and the rotated key alike", async () => {
    for (const key of [oldKey, newKey]) {
      const answer = await runsClient(service.url, key).status(unknownRun);
      expect(answer.status).toBe(404);
      expect(answer.body.error?.code).toBe("RunNotFound");
    }
    const started = await runsClient(service.url, newKey).start({});
    expect(started.status).toBe(202);
    await runsClient(service.url, oldKey).waitFor(started.body.id!, ["succeeded"]);
  });

  it("printed no key, no secure value and no token in either process", () => {
    const secrets = { oldKey, newKey, dbPassword, unconfiguredToken, identityHeader: emulator.identityHeader };
    expect(printedSecrets(service.output(), secrets)).toEqual([]);
    expect(printedSecrets(lacking.output(), secrets)).toEqual([]);
  });
});
