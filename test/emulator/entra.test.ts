import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { requestToken } from "../helpers/entra.js";
import { startTestEmulator } from "../helpers/emulator.js";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator?.close());

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

const tokenRequest = (form: Record<string, string>) =>
  fetch(emulator.entra.tokenEndpoint, { method: "POST", body: new URLSearchParams(form) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));

describe("the emulated Entra ID tenant", () => {
  it("serves v2.0 OpenID discovery naming its issuer, JWKS and token endpoint", async () => {
    const { status, body } = await getJson(`${emulator.url}/${emulator.entra.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `${emulator.url}/${emulator.entra.tenantId}/v2.0`,
      jwks_uri: `${emulator.url}/${emulator.entra.tenantId}/discovery/v2.0/keys`,
      token_endpoint: `${emulator.url}/${emulator.entra.tenantId}/oauth2/v2.0/token`,
      id_token_signing_alg_values_supported: ["RS256"],
    });
  });

  it("issues client-credentials tokens that verify against its JWKS with the claims Entra ID sets", async () => {
    const client = emulator.entra.registerClient({ roles: ["Runs.Trigger"] });
    const token = await requestToken(emulator.entra, client);
    const jwks = createRemoteJWKSet(new URL(emulator.entra.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { algorithms: ["RS256"], issuer: emulator.entra.issuer, audience: emulator.entra.api.appId });
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT", kid: expect.any(String) });
    expect(payload).toMatchObject({ tid: emulator.entra.tenantId, oid: client.objectId, sub: client.objectId, azp: client.clientId, roles: ["Runs.Trigger"], ver: "2.0", idtyp: "app" });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3599);
  });

  it("accepts the API's client id as the scope's resource too", async () => {
    const client = emulator.entra.registerClient();
    const token = await requestToken(emulator.entra, client, `${emulator.entra.api.appId}/.default`);
    expect(token.split(".")).toHaveLength(3);
  });

  it.each([
    ["a grant other than client_credentials", { grant_type: "password" }, 400, "unsupported_grant_type"],
    ["an unknown client", { grant_type: "client_credentials", client_id: "00000000-0000-0000-0000-000000000bad", client_secret: "x", scope: "api://aci-http-trigger/.default" }, 400, "unauthorized_client"],
    ["a scope without /.default", { grant_type: "client_credentials", scope: "api://aci-http-trigger" }, 400, "invalid_scope"],
    ["an unknown resource", { grant_type: "client_credentials", scope: "api://unknown/.default" }, 400, "invalid_resource"],
  ])("refuses %s as Entra ID does", async (_, form, status, error) => {
    const client = emulator.entra.registerClient();
    const filled = { client_id: client.clientId, client_secret: client.clientSecret, ...form };
    const answer = await tokenRequest(filled);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error, error_description: expect.stringMatching(/^AADSTS\d+: /), error_codes: [expect.any(Number)] });
  });

  it("refuses a wrong client secret with 401 invalid_client, and records the request with the secret redacted", async () => {
    const client = emulator.entra.registerClient();
    emulator.clearRequests();
    const answer = await tokenRequest({ grant_type: "client_credentials", client_id: client.clientId, client_secret: "wrong-secret-value", scope: "api://aci-http-trigger/.default" });
    expect(answer).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(emulator.entraRequests).toEqual([expect.objectContaining({ method: "POST", status: 401, body: expect.objectContaining({ client_secret: "[redacted]" }) })]);
    expect(emulator.requests).toEqual([]);
  });

  it("rotates to a new kid, keeping the old key published so tokens already issued still verify", async () => {
    const client = emulator.entra.registerClient();
    const before = await requestToken(emulator.entra, client);
    const kid = emulator.entra.rotateKey();
    const after = await requestToken(emulator.entra, client);
    expect(decodeProtectedHeader(after).kid).toBe(kid);
    expect(decodeProtectedHeader(before).kid).not.toBe(kid);
    const jwks = createLocalJWKSet((await getJson(emulator.entra.jwksUri)).body as JSONWebKeySet);
    for (const token of [before, after]) await expect(jwtVerify(token, jwks, { algorithms: ["RS256"] })).resolves.toBeDefined();
  });

  it("signs with a key it never publishes when asked, for unknown-kid tests", async () => {
    const jwks = createLocalJWKSet((await getJson(emulator.entra.jwksUri)).body as JSONWebKeySet);
    const token = emulator.entra.signToken({ sub: "x" }, { key: "unpublished" });
    await expect(jwtVerify(token, jwks)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
  });

  it("answers 503 on its JWKS while failing, and recovers", async () => {
    emulator.entra.failJwks();
    expect((await fetch(emulator.entra.jwksUri)).status).toBe(503);
    emulator.entra.failJwks(false);
    expect((await fetch(emulator.entra.jwksUri)).status).toBe(200);
  });
});
