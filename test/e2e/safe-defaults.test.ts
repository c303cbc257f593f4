import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { getOpen, runsClient } from "../helpers/runs-client.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const apiKey = "safe-defaults-key-0123456789";
const dbPassword = "safe-defaults-db-password";
const unconfiguredToken = "safe-defaults-token-the-service-lacks";
/** Every group here has one container, `job`. */
const aciSecrets = JSON.stringify({ env: { job: { DB_PASSWORD: dbPassword } } });
const secure = { name: "DB_PASSWORD", secureValue: dbPassword };

describe("what a key holder and an anonymous caller can do by default (issue 12)", () => {
  let emulator: Emulator;
  /** Every default. */
  let plain: ServiceProcess;
  /** A group holding a secret the service lacks, an allow-list, and a low failed-authentication limit. */
  let lacking: ServiceProcess;
  /** The operator allowed commands and LD_PRELOAD, and one start a minute. */
  let permissive: ServiceProcess;
  let unauthenticated: ServiceProcess;
  let exposed: ServiceProcess;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    for (const group of ["job", "job-permissive"]) emulator.putGroup(testSubscriptionId, testResourceGroup, group, jobGroup([secure]), { terminated: true });
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job-lacking", jobGroup([secure, { name: "API_TOKEN", secureValue: unconfiguredToken }]), { terminated: true });
    // No reconcile pass between the tests' own requests: "no ARM call" must see the request alone.
    const quiet = { TRIGGER_RECONCILE_INTERVAL_MS: "600000" };
    const keyed = (group: string, extra: Record<string, string> = {}) => triggerEnv(emulator, group, { TRIGGER_API_KEYS: apiKey, ACI_SECRETS: aciSecrets, ...quiet, ...extra });
    [plain, lacking, permissive, unauthenticated, exposed] = await Promise.all([
      startServiceProcess(keyed("job")),
      startServiceProcess(keyed("job-lacking", { TRIGGER_ALLOWED_ENV_NAMES: "INPUT_URI,PAYROLL_BUCKET", TRIGGER_MAX_FAILED_AUTH_PER_MINUTE: "3" })),
      startServiceProcess(keyed("job-permissive", { TRIGGER_ALLOW_COMMAND: "true", TRIGGER_ALLOWED_ENV_NAMES: "LD_PRELOAD,INPUT", TRIGGER_MAX_STARTS_PER_MINUTE: "1" })),
      startServiceProcess(triggerEnv(emulator, "job", { TRIGGER_ALLOW_UNAUTHENTICATED: "true", ACI_SECRETS: aciSecrets, ...quiet })),
      startServiceProcess(triggerEnv(emulator, "job", { TRIGGER_ALLOW_UNAUTHENTICATED: "true", TRIGGER_LISTEN_ADDRESS: "0.0.0.0", ACI_SECRETS: aciSecrets, ...quiet })),
    ]);
  });

  afterAll(async () => {
    await Promise.all([plain, lacking, permissive, unauthenticated, exposed].map((service) => service?.stop()));
    await emulator?.close();
  });

  const puts = () => emulator.requests.filter((r) => r.method === "PUT");

  it("refuses a command override, which would print the job's secrets, with 400 and no PUT", async () => {
    emulator.clearRequests();
    const answer = await runsClient(plain.url, apiKey).start({ env: {}, command: ["env"] });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain("command: is disabled on this service");
    expect(puts()).toEqual([]);
  });

  it.each(["LD_PRELOAD", "NODE_OPTIONS", "BASH_ENV", "PYTHONSTARTUP", "JAVA_TOOL_OPTIONS", "DOTNET_STARTUP_HOOKS"])(
    "refuses %s, which would run the caller's code in the job, with 400 and no PUT",
    async (name) => {
      emulator.clearRequests();
      const answer = await runsClient(plain.url, apiKey).start({ env: { [name]: "/mnt/shared/payload" } });
      expect(answer.status).toBe(400);
      expect(answer.body.error?.message).toContain(`env.${name}: changes how the job loads code`);
      expect(puts()).toEqual([]);
    },
  );

  it("lets the operator allow commands and a deny-listed name, and then the logs show what env prints, secrets included", async () => {
    const runs = runsClient(permissive.url, apiKey);
    const started = await runs.start({ env: { LD_PRELOAD: "/usr/lib/libjemalloc.so" }, command: ["env"] });
    expect(started.status).toBe(202);
    await runs.waitFor(started.body.id!, ["succeeded"]);
    const logs = await runs.logs(started.body.id!);
    expect(logs.body.content).toContain(`DB_PASSWORD=${dbPassword}`);
    expect(logs.body.content).toContain("LD_PRELOAD=/usr/lib/libjemalloc.so");
  });

  it("answers a start past TRIGGER_MAX_STARTS_PER_MINUTE with 429 TooManyRequests and Retry-After, and no PUT", async () => {
    emulator.clearRequests();
    const answer = await runsClient(permissive.url, apiKey).start({ env: {} });
    expect(answer.status).toBe(429);
    expect(answer.body.error?.code).toBe("TooManyRequests");
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(puts()).toEqual([]);
  });

  it("tells an anonymous /readyz only its status: no secret, group or check names", async () => {
    const anonymous = await getOpen(lacking.url, "/readyz");
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ status: "degraded" });
    const keyed = await runsClient(lacking.url, apiKey).call("GET", "/readyz");
    expect(keyed.status).toBe(200);
    expect(keyed.body).toMatchObject({ status: "degraded", checks: { config: "ok", store: "ok", arm: "ok", secrets: "failed" } });
    expect(JSON.stringify(keyed.body)).toContain("API_TOKEN");
  });

  it("does not print the env allow-list in the open OpenAPI document", async () => {
    const response = await fetch(`${lacking.url}/openapi.json`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain("INPUT_URI");
    expect(text).not.toContain("PAYROLL_BUCKET");
  });

  it("answers 429 TooManyFailedAuthentications once a client failed too often, even with the right key", async () => {
    const wrong = runsClient(lacking.url, "not-the-key-0123456789");
    for (let i = 0; i < 3; i += 1) expect((await wrong.status("00000000-0000-4000-8000-000000000000")).status).toBe(401);
    emulator.clearRequests();
    const blocked = await runsClient(lacking.url, apiKey).status("00000000-0000-4000-8000-000000000000");
    expect(blocked.status).toBe(429);
    expect(blocked.body.error?.code).toBe("TooManyFailedAuthentications");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(emulator.requests).toEqual([]);
  });

  it("listens on loopback only when unauthenticated, and says so", () => {
    const line = unauthenticated.lines.find((l) => l["msg"] === "listening");
    expect(line).toMatchObject({ address: "127.0.0.1", exposure: "loopback-only" });
  });

  it("listens where TRIGGER_LISTEN_ADDRESS says when unauthenticated, warning that others can reach it", () => {
    expect(exposed.lines.find((l) => l["msg"] === "listening")).toMatchObject({ address: "0.0.0.0", exposure: "network" });
    expect(exposed.lines.some((l) => l["level"] === "warn" && l["msg"] === "unauthenticated and reachable from other hosts")).toBe(true);
    expect(plain.lines.find((l) => l["msg"] === "listening")).toMatchObject({ exposure: "network", reason: "callers are authenticated" });
  });

  it("printed neither the key nor a secret in any process", () => {
    for (const service of [plain, lacking, permissive, unauthenticated, exposed]) {
      expect(printedSecrets(service.output(), { apiKey, dbPassword, unconfiguredToken, identityHeader: emulator.identityHeader })).toEqual([]);
    }
  });
});
