import { createHmac } from "node:crypto";
import type { EntraClient, EntraTenant } from "../../emulator/index.js";
import type { EntraSettings } from "../../service/http/auth-config.js";

/** The app role the tests' service requires of token callers. */
export const requiredRole = "Runs.Trigger";
/** A tenant that is not the emulator's. */
export const otherTenantId = "99999999-9999-4999-8999-999999999999";

/** The service's Entra ID settings for the emulator's tenant, audience and role. */
export function entraSettings(entra: EntraTenant, overrides: Partial<EntraSettings> = {}): EntraSettings {
  return { tenantId: entra.tenantId, audiences: [entra.api.appId], requiredRole, authority: entra.authority, acceptV1Tokens: false, ...overrides };
}

/** The same settings as the environment of a service process. */
export function entraEnv(entra: EntraTenant, allowedClients: string[]): Record<string, string> {
  return {
    TRIGGER_ENTRA_TENANT_ID: entra.tenantId,
    TRIGGER_ENTRA_AUDIENCE: entra.api.appId,
    TRIGGER_ENTRA_REQUIRED_ROLE: requiredRole,
    TRIGGER_ENTRA_ALLOWED_CLIENTS: allowedClients.join(","),
    TRIGGER_ENTRA_AUTHORITY: entra.authority,
  };
}

/** A client-credentials token from the emulator's token endpoint, as a Logic App's identity would get one. */
export async function requestToken(entra: EntraTenant, client: EntraClient, scope = `${entra.api.identifierUri}/.default`): Promise<string> {
  const response = await fetch(entra.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret, scope }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`the emulator refused the token request: ${body.error}`);
  return body.access_token;
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * One token per way a token must be refused (issue 14's list), each wrong in exactly that way.
 * `allowed` holds the role and is allowed; `roleless` lacks the role; `stranger` holds the role
 * but is not an allowed client.
 */
export async function refusedTokens(entra: EntraTenant, clients: { allowed: EntraClient; roleless: EntraClient; stranger: EntraClient }, nowMs = Date.now()): Promise<Record<string, string>> {
  const valid = entra.claimsFor(clients.allowed, nowMs);
  const now = Math.floor(nowMs / 1000);
  const header = JSON.parse(Buffer.from(entra.signToken(valid).split(".")[0] ?? "", "base64url").toString()) as Record<string, unknown>;
  const unsigned = `${segment({ typ: "JWT", alg: "none" })}.${segment(valid)}.`;
  const hsInput = `${segment({ ...header, alg: "HS256" })}.${segment(valid)}`;
  const hs256 = `${hsInput}.${createHmac("sha256", entra.publicKeyPem()).update(hsInput).digest("base64url")}`;
  return {
    expired: entra.signToken({ ...valid, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
    "not yet valid": entra.signToken({ ...valid, nbf: now + 3600, exp: now + 7200 }),
    "wrong audience": entra.signToken({ ...valid, aud: "api://some-other-api" }),
    "wrong issuer": entra.signToken({ ...valid, iss: `https://login.microsoftonline.com/${entra.tenantId}/v2.0` }),
    "wrong tenant": entra.signToken({ ...valid, tid: otherTenantId }),
    "unknown kid": entra.signToken(valid, { key: "unpublished" }),
    "alg none": unsigned,
    "HS256 signed with the public key": hs256,
    "missing role": await requestToken(entra, clients.roleless),
    "disallowed client": await requestToken(entra, clients.stranger),
  };
}
