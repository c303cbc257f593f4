import { beforeAll, describe, expect, it } from "vitest";
import type { EntraClient } from "../../emulator/index.js";
import { createEntraVerifier, type EntraVerifierOptions } from "../../service/http/auth-entra.js";
import type { EntraSettings } from "../../service/http/auth-config.js";
import { entraSettings, refusedTokens, requestToken, requiredRole } from "../helpers/entra.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, postRun } from "../helpers/service-app.js";

/**
 * The app in process against the emulator's Entra ID endpoints and ARM over HTTPS, with the
 * verifier's clock and key-set cooldown in the test's hands.
 */
const arm = useArmEmulator();
let allowed: EntraClient;
let roleless: EntraClient;
let stranger: EntraClient;

const entra = () => arm.emulator.entra;

beforeAll(() => {
  allowed = entra().registerClient({ roles: [requiredRole] });
  roleless = entra().registerClient();
  stranger = entra().registerClient({ roles: [requiredRole] });
});

function entraApp(options: { settings?: Partial<EntraSettings>; verifier?: EntraVerifierOptions; keys?: boolean } = {}) {
  const settings = entraSettings(entra(), { allowedClients: [allowed.clientId], ...options.settings });
  const keys = options.keys === false ? [] : [{ label: "ops", value: "ops-key-0123456789abcdef" }];
  return buildApp(arm.emulator, {
    config: { auth: { kind: "required", keys, entra: settings }, rateLimits: { maxFailedAuthPerMinute: 1000, maxStartsPerMinute: 1000, trustedProxyHops: 0 } },
    app: { entra: createEntraVerifier(settings, options.verifier) },
  });
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
const keyCountOf = () => arm.emulator.entraRequests.filter((r) => r.path.endsWith("/discovery/v2.0/keys")).length;

describe("Entra ID callers, in process", () => {
  it("starts a run for a valid token and records the token's oid, client and tenant as the caller", async () => {
    const { app, lines } = await entraApp({ keys: false });
    const res = await postRun(app, { env: {} }, bearer(await requestToken(entra(), allowed)).headers);
    expect(res.status).toBe(202);
    expect((await bodyOf(res)).startedBy).toBe(`entra:${allowed.clientId}/${allowed.objectId}`);
    const caller = lines().find((l) => l["msg"] === "request")?.["caller"];
    expect(caller).toEqual({ kind: "entra", oid: allowed.objectId, appid: allowed.clientId, tid: entra().tenantId });
  });

  it("refuses every bad token with the same 401, logs why, and never calls ARM", async () => {
    const { app, lines, raw } = await entraApp();
    const tokens = await refusedTokens(entra(), { allowed, roleless, stranger });
    arm.emulator.clearRequests();
    const answers = new Set<string>();
    for (const [name, token] of Object.entries(tokens)) {
      const res = await app.request("/runs/never", bearer(token));
      expect(res.status, name).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
      answers.add(await res.text());
    }
    expect(answers.size).toBe(1);
    expect(arm.emulator.requests).toEqual([]);
    const reasons = lines().filter((l) => l["msg"] === "authentication refused").map((l) => l["reason"]);
    expect(reasons).toEqual([
      "token expired",
      "claim nbf: check_failed",
      "claim aud: check_failed",
      "claim iss: check_failed",
      "claim tid: mismatch",
      "no published key matches the token's kid",
      "algorithm not allowed",
      "algorithm not allowed",
      "claim roles: required role missing",
      "client not allowed",
    ]);
    for (const token of Object.values(tokens)) expect(raw.join("\n")).not.toContain(token.split(".")[2] || token);
  });

  it("allows a minute of clock skew on exp and nbf, and no more", async () => {
    let clock = Date.now();
    const { app } = await entraApp({ verifier: { now: () => new Date(clock) } });
    const claims = entra().claimsFor(allowed, clock);
    const token = entra().signToken(claims);
    clock = (claims["exp"] as number) * 1000 + 59_000;
    expect((await app.request("/runs/never", bearer(token))).status).toBe(404);
    clock += 2_000;
    expect((await app.request("/runs/never", bearer(token))).status).toBe(401);
    clock = (claims["nbf"] as number) * 1000 - 59_000;
    expect((await app.request("/runs/never", bearer(token))).status).toBe(404);
    clock -= 2_000;
    expect((await app.request("/runs/never", bearer(token))).status).toBe(401);
  });

  it("picks up a rotated signing key without a restart, fetching the key set again only for the new kid", async () => {
    const { app } = await entraApp({ verifier: { jwksCooldownMs: 0 } });
    const before = await requestToken(entra(), allowed);
    expect((await app.request("/runs/never", bearer(before))).status).toBe(404);
    const fetchedBefore = keyCountOf();
    entra().rotateKey();
    const after = await requestToken(entra(), allowed);
    expect((await app.request("/runs/never", bearer(after))).status).toBe(404);
    expect(keyCountOf()).toBe(fetchedBefore + 1);
    expect((await app.request("/runs/never", bearer(before))).status).toBe(404);
    expect(keyCountOf()).toBe(fetchedBefore + 1);
  });

  it("answers token callers 503 EntraUnavailable while the key set cannot be fetched, key callers still served, and recovers", async () => {
    const { app } = await entraApp();
    const token = await requestToken(entra(), allowed);
    entra().failJwks();
    try {
      const down = await app.request("/runs/never", bearer(token));
      expect(down.status).toBe(503);
      expect((await bodyOf(down)).error.code).toBe("EntraUnavailable");
      expect((await app.request("/runs/never", bearer("ops-key-0123456789abcdef"))).status).toBe(404);
    } finally {
      entra().failJwks(false);
    }
    expect((await app.request("/runs/never", bearer(token))).status).toBe(404);
  });

  it("refuses v1.0 tokens unless configured, then names the caller by their appid", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { azp: _azp, azpacr: _azpacr, ...v2 } = entra().claimsFor(allowed);
    const v1 = entra().signToken({ ...v2, iss: `https://sts.windows.net/${entra().tenantId}/`, appid: allowed.clientId, appidacr: "1", ver: "1.0", iat: now });
    expect((await (await entraApp()).app.request("/runs/never", bearer(v1))).status).toBe(401);
    const { app, lines } = await entraApp({ settings: { acceptV1Tokens: true } });
    expect((await app.request("/runs/never", bearer(v1))).status).toBe(404);
    expect(lines().find((l) => l["msg"] === "request")?.["caller"]).toMatchObject({ kind: "entra", appid: allowed.clientId });
  });

  it("accepts any client of the tenant holding the role when no client list is set", async () => {
    const { app } = await entraApp({ settings: { allowedClients: undefined } as Partial<EntraSettings> });
    expect((await app.request("/runs/never", bearer(await requestToken(entra(), stranger)))).status).toBe(404);
  });

  it("does not treat a key that happens to look like a token as one, nor fetch keys for it", async () => {
    const { app } = await entraApp();
    const fetched = arm.emulator.entraRequests.length;
    expect((await app.request("/runs/never", bearer("not.a-token"))).status).toBe(401);
    expect(arm.emulator.entraRequests.length).toBe(fetched);
  });
});
