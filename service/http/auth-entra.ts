import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { EntraSettings } from "./auth-config.js";
import type { Caller } from "./caller.js";

/** An Entra ID caller, as taken from a verified access token. */
export type EntraCaller = Extract<Caller, { kind: "entra" }>;

/**
 * The outcome of checking one token: a caller, a refusal (the token is not good enough; `reason`
 * is for the log only), or `unavailable` when the tenant's keys could not be fetched, so the
 * token could be neither accepted nor refused.
 */
export type TokenCheck =
  | { outcome: "accepted"; caller: EntraCaller }
  | { outcome: "refused"; reason: string }
  | { outcome: "unavailable"; reason: string };

export interface EntraVerifier {
  verify(token: string): Promise<TokenCheck>;
}

export interface EntraVerifierOptions {
  /** The clock `exp` and `nbf` are checked against; default the wall clock. */
  now?: () => Date;
  /**
   * How long after a key-set fetch a token with an unknown `kid` is refused without fetching
   * again (jose's default, 30 s): a flood of made-up `kid`s cannot turn into a flood of fetches.
   */
  jwksCooldownMs?: number;
  /** Bound on each discovery and key-set request. */
  timeoutMs?: number;
}

// Entra ID stamps tokens with second precision and hosts' clocks drift; a minute is the margin
// jose calls small and far below Entra's token lifetimes (60 to 90 minutes).
const clockToleranceSeconds = 60;

class KeysUnavailable extends Error {
  override readonly name = "KeysUnavailable";
}

/** The v2.0 issuer of `tenantId` at `authority`, as Entra ID's discovery document names it. */
export function v2Issuer(settings: Pick<EntraSettings, "authority" | "tenantId">): string {
  return `${settings.authority}/${settings.tenantId}/v2.0`;
}

/** The OpenID discovery document of the tenant's v2.0 endpoint. */
export function discoveryUrl(settings: Pick<EntraSettings, "authority" | "tenantId">): string {
  return `${v2Issuer(settings)}/.well-known/openid-configuration`;
}

/** The v1.0 issuer; it is fixed whatever the authority. */
const v1Issuer = (tenantId: string) => `https://sts.windows.net/${tenantId}/`;

function describeRefusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim}: ${error.reason}`;
  if (error instanceof errors.JWKSNoMatchingKey) return "no published key matches the token's kid";
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature does not verify";
  if (error instanceof errors.JOSEError) return `invalid token (${error.code})`;
  return "invalid token";
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Checks what the signature and standard claims do not: tenant, role and client. */
function checkClaims(payload: JWTPayload, settings: EntraSettings): TokenCheck {
  const tid = stringClaim(payload, "tid");
  const oid = stringClaim(payload, "oid");
  // v2.0 tokens name the calling client in `azp`, v1.0 tokens in `appid`.
  const appid = stringClaim(payload, "azp") ?? stringClaim(payload, "appid");
  if (tid?.toLowerCase() !== settings.tenantId) return { outcome: "refused", reason: "claim tid: mismatch" };
  if (!oid) return { outcome: "refused", reason: "claim oid: missing" };
  if (!appid) return { outcome: "refused", reason: "claim azp/appid: missing" };
  const roles = Array.isArray(payload["roles"]) ? payload["roles"] : [];
  if (settings.requiredRole !== undefined && !roles.includes(settings.requiredRole)) return { outcome: "refused", reason: "claim roles: required role missing" };
  if (settings.allowedClients && !settings.allowedClients.includes(appid.toLowerCase())) return { outcome: "refused", reason: "client not allowed" };
  return { outcome: "accepted", caller: { kind: "entra", oid, appid, tid } };
}

/**
 * Verifies Entra ID access tokens with jose: RS256 only, signed by a key of the tenant's JWKS
 * (found through OpenID discovery on first use, cached, fetched again for an unknown `kid`),
 * the tenant's issuer, one of the audiences, `exp`/`nbf` within a minute of skew, then the
 * tenant, role and client rules of `settings`. Nothing is fetched at start, so the service
 * starts (and key callers work) while Entra ID is unreachable.
 */
export function createEntraVerifier(settings: EntraSettings, options: EntraVerifierOptions = {}): EntraVerifier {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 5_000;
  const issuers = [v2Issuer(settings), ...(settings.acceptV1Tokens ? [v1Issuer(settings.tenantId)] : [])];
  let keySet: Promise<JWTVerifyGetKey> | undefined;

  async function discover(): Promise<JWTVerifyGetKey> {
    const response = await fetch(discoveryUrl(settings), { redirect: "manual", signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    if (response.status !== 200) throw new KeysUnavailable(`discovery answered ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== v2Issuer(settings)) throw new KeysUnavailable("discovery names another issuer");
    const jwksUri = typeof document.jwks_uri === "string" && URL.canParse(document.jwks_uri) ? new URL(document.jwks_uri) : undefined;
    if (jwksUri?.protocol !== "https:") throw new KeysUnavailable("discovery names no https jwks_uri");
    return createRemoteJWKSet(jwksUri, { timeoutDuration: timeoutMs, ...(options.jwksCooldownMs === undefined ? {} : { cooldownDuration: options.jwksCooldownMs }) });
  }

  // Concurrent first tokens share one discovery; a failed one is forgotten so the next token retries.
  const keys = () =>
    (keySet ??= discover().catch((error: unknown) => {
      keySet = undefined;
      throw error instanceof KeysUnavailable ? error : new KeysUnavailable("discovery failed");
    }));

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const remote = await keys();
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new KeysUnavailable(error instanceof errors.JOSEError ? `key set fetch failed (${error.code})` : "key set fetch failed");
    }
  };

  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms: ["RS256"],
          issuer: issuers,
          audience: settings.audiences,
          clockTolerance: clockToleranceSeconds,
          currentDate: now(),
          requiredClaims: ["exp"],
        });
        return checkClaims(payload, settings);
      } catch (error) {
        if (error instanceof KeysUnavailable) return { outcome: "unavailable", reason: error.message };
        return { outcome: "refused", reason: describeRefusal(error) };
      }
    },
  };
}
