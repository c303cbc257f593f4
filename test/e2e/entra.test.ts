import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntraClient, Emulator } from "../../emulator/index.js";
import { entraEnv, refusedTokens, requestToken, requiredRole } from "../helpers/entra.js";
import { jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient } from "../helpers/runs-client.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const apiKey = "entra-e2e-key-0123456789";
const unknownRun = "00000000-0000-4000-8000-000000000000";

describe("Entra ID callers of the bundle", () => {
  let emulator: Emulator;
  let service: ServiceProcess;
  /** A second process that never checks a token before the key set goes down. */
  let cold: ServiceProcess;
  let allowed: EntraClient;
  let roleless: EntraClient;
  let stranger: EntraClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup([{ name: "BASE", value: "1" }]), { terminated: true });
    allowed = emulator.entra.registerClient({ roles: [requiredRole] });
    roleless = emulator.entra.registerClient();
    stranger = emulator.entra.registerClient({ roles: [requiredRole] });
    // No reconcile pass between the tests' own requests: "no ARM call" must see the refusals alone.
    const env = triggerEnv(emulator, "job", {
      TRIGGER_API_KEYS: `ops:${apiKey}`,
      TRIGGER_MAX_FAILED_AUTH_PER_MINUTE: "1000",
      TRIGGER_RECONCILE_INTERVAL_MS: "600000",
      ...entraEnv(emulator.entra, [allowed.clientId]),
    });
    [service, cold] = await Promise.all([startServiceProcess(env), startServiceProcess(env)]);
  });

  afterAll(async () => {
    await Promise.all([service?.stop(), cold?.stop()]);
    await emulator?.close();
  });

  it("starts a run for a client-credentials token of an allowed client holding the role", async () => {
    const token = await requestToken(emulator.entra, allowed);
    const started = await runsClient(service.url, token).start({ env: { INPUT: "a.csv" } });
    expect(started.status).toBe(202);
    await runsClient(service.url, token).waitFor(started.body.id!, ["succeeded"]);
    const line = service.lines.find((l) => l["msg"] === "request" && l["status"] === 202);
    expect(line?.["caller"]).toEqual({ kind: "entra", oid: allowed.objectId, appid: allowed.clientId, tid: emulator.entra.tenantId });
  });

  it("refuses an expired, not yet valid, wrong-audience, wrong-issuer, wrong-tenant, unknown-kid, alg none, HS256, role-less or disallowed token with the same 401 and no ARM call", async () => {
    const tokens = await refusedTokens(emulator.entra, { allowed, roleless, stranger });
    emulator.clearRequests();
    const bodies = new Set<string>();
    for (const [name, token] of Object.entries(tokens)) {
      const response = await fetch(`${service.url}/runs`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
      expect(response.status, name).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      bodies.add(await response.text());
    }
    expect(bodies.size).toBe(1);
    expect(emulator.requests).toEqual([]);
    expect(emulator.tokenRequests).toEqual([]);
    const refusals = service.lines.filter((l) => l["msg"] === "authentication refused" && l["presented"] === "token");
    expect(refusals).toHaveLength(Object.keys(tokens).length);
  });

  it("answers token callers 503 EntraUnavailable while the JWKS endpoint is down, key callers still served", async () => {
    const token = await requestToken(emulator.entra, allowed);
    emulator.entra.failJwks();
    try {
      const down = await runsClient(cold.url, token).status(unknownRun);
      expect(down.status).toBe(503);
      expect(down.body.error?.code).toBe("EntraUnavailable");
      const byKey = await runsClient(cold.url, apiKey).status(unknownRun);
      expect(byKey.status).toBe(404);
    } finally {
      emulator.entra.failJwks(false);
    }
    expect((await runsClient(cold.url, token).status(unknownRun)).status).toBe(404);
  });

  it("printed no token, client secret or key in either process", () => {
    const secrets = { apiKey, allowed: allowed.clientSecret, roleless: roleless.clientSecret, stranger: stranger.clientSecret, identityHeader: emulator.identityHeader };
    for (const process of [service, cold]) {
      expect(printedSecrets(process.output(), secrets)).toEqual([]);
      expect(process.output()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    }
  });
});
