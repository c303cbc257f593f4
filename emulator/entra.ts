import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from "node:crypto";
import type { Reply } from "./cloud-error.js";

/**
 * Microsoft Entra ID as a service that accepts its access tokens sees it: the v2.0 OpenID
 * discovery document of one tenant, its JWKS, and the client-credentials token endpoint, issuing
 * real RS256-signed v2.0 access tokens (`iss`, `aud`, `tid`, `oid`, `azp`, `roles`, …).
 * Paths are Entra's: `/{tenant}/v2.0/.well-known/openid-configuration`,
 * `/{tenant}/discovery/v2.0/keys`, `/{tenant}/oauth2/v2.0/token`. Tests reach past the token
 * endpoint with `signToken` (any claims, any key), `rotateKey` and `failJwks`.
 */
export interface EntraOptions {
  /** Default a fixed GUID. */
  tenantId?: string;
  /** The protected API: tokens for it carry `aud` = `appId`; its scope may name `identifierUri` or `appId`. */
  api?: { appId: string; identifierUri: string };
  /** Lifetime of issued tokens in seconds; default 3599, as Entra ID. */
  tokenLifetimeSeconds?: number;
}

/** A confidential client (an app registration, or a managed identity's service principal). */
export interface EntraClient {
  clientId: string;
  clientSecret: string;
  /** The service principal's object id: the token's `oid` and `sub`. */
  objectId: string;
  /** App roles of the API assigned to this client: the token's `roles`. */
  roles: string[];
}

export interface SignOptions {
  /** `unpublished` signs with a key the JWKS never lists, under a kid of its own. */
  key?: "current" | "unpublished";
  /** Replaces or adds header fields (`alg` is still RS256 for the signature). */
  header?: Record<string, unknown>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const defaultEntraTenantId = "00000000-0000-0000-0000-0000000e1d00";
export const defaultEntraApi = { appId: "00000000-0000-0000-0000-0000000a9100", identifierUri: "api://aci-http-trigger" };

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // Entra's kids are thumbprint-like; any unique text works for clients.
  const kid = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("base64url").slice(0, 27);
  return { kid, privateKey, publicKey };
}

function oauthError(status: number, error: string, code: number, description: string, nowMs: number): Reply {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}`,
      error_codes: [code],
      timestamp: new Date(nowMs).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}

export class EntraTenant {
  readonly tenantId: string;
  readonly api: { appId: string; identifierUri: string };
  #baseUrl: () => string;
  #lifetimeSeconds: number;
  #clients = new Map<string, EntraClient>();
  // Newest first; generated on first use, since most emulators never sign a token.
  #keys: SigningKey[] = [];
  #unpublished: SigningKey | undefined;
  #jwksFailing = false;

  constructor(options: EntraOptions, baseUrl: () => string) {
    this.tenantId = options.tenantId ?? defaultEntraTenantId;
    this.api = options.api ?? defaultEntraApi;
    this.#lifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
    this.#baseUrl = baseUrl;
  }

  /** The login endpoint base, for TRIGGER_ENTRA_AUTHORITY. */
  get authority(): string {
    return this.#baseUrl();
  }

  get issuer(): string {
    return `${this.#baseUrl()}/${this.tenantId}/v2.0`;
  }

  get tokenEndpoint(): string {
    return `${this.#baseUrl()}/${this.tenantId}/oauth2/v2.0/token`;
  }

  get jwksUri(): string {
    return `${this.#baseUrl()}/${this.tenantId}/discovery/v2.0/keys`;
  }

  /** Registers a client with a fresh id, secret and object id, holding `roles` on the API. */
  registerClient(options: { roles?: string[]; clientId?: string } = {}): EntraClient {
    const client = { clientId: options.clientId ?? randomUUID(), clientSecret: randomBytes(24).toString("base64url"), objectId: randomUUID(), roles: options.roles ?? [] };
    this.#clients.set(client.clientId, client);
    return client;
  }

  /** Publishes a new signing key under a new kid and signs with it from now on; the old keys stay published. */
  rotateKey(): string {
    const key = newKey();
    this.#keys.unshift(key);
    return key.kid;
  }

  /** While on, the JWKS endpoint answers 503 (discovery still works). */
  failJwks(failing = true): void {
    this.#jwksFailing = failing;
  }

  /** The current signing key's public half, PEM: what an algorithm-confusion attack would sign with. */
  publicKeyPem(): string {
    return this.#current().publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  /** The claims the token endpoint issues to `client` now (seconds since the epoch from `nowMs`). */
  claimsFor(client: EntraClient, nowMs = Date.now()): Record<string, unknown> {
    const now = Math.floor(nowMs / 1000);
    return {
      aud: this.api.appId,
      iss: this.issuer,
      iat: now,
      nbf: now,
      exp: now + this.#lifetimeSeconds,
      aio: randomBytes(12).toString("base64url"),
      azp: client.clientId,
      azpacr: "1",
      idtyp: "app",
      oid: client.objectId,
      rh: "0.emulator.",
      ...(client.roles.length > 0 ? { roles: [...client.roles] } : {}),
      sub: client.objectId,
      tid: this.tenantId,
      uti: randomBytes(16).toString("base64url"),
      ver: "2.0",
    };
  }

  /** A compact RS256 JWS of `claims`, as Entra would sign it (or with the key `options` names). */
  signToken(claims: Record<string, unknown>, options: SignOptions = {}): string {
    const key = options.key === "unpublished" ? (this.#unpublished ??= newKey()) : this.#current();
    const header = { typ: "JWT", alg: "RS256", kid: key.kid, ...options.header };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${input}.${base64url(sign("sha256", Buffer.from(input), key.privateKey))}`;
  }

  /** True for the paths this tenant answers (anything under `/{tenant}/`). */
  serves(path: string): boolean {
    return path.toLowerCase().startsWith(`/${this.tenantId}/`);
  }

  /** Answers one request under `/{tenant}/`; `form` is the raw body. */
  handle(method: string, path: string, form: string, nowMs: number): Reply {
    const rest = path.slice(this.tenantId.length + 1).toLowerCase();
    if (rest === "/v2.0/.well-known/openid-configuration" && method === "GET") return { status: 200, body: this.#discovery() };
    if (rest === "/discovery/v2.0/keys" && method === "GET") {
      return this.#jwksFailing ? { status: 503, body: { error: "temporarily_unavailable" } } : { status: 200, body: this.#jwks() };
    }
    if (rest === "/oauth2/v2.0/token" && method === "POST") return this.#token(new URLSearchParams(form), nowMs);
    return { status: 404, body: { error: "not_found" } };
  }

  #current(): SigningKey {
    if (this.#keys.length === 0) this.rotateKey();
    return this.#keys[0]!;
  }

  #discovery(): Record<string, unknown> {
    const base = `${this.#baseUrl()}/${this.tenantId}`;
    return {
      token_endpoint: this.tokenEndpoint,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: this.jwksUri,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: this.issuer,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      tenant_region_scope: "EU",
    };
  }

  #jwks(): { keys: Record<string, unknown>[] } {
    if (this.#keys.length === 0) this.rotateKey();
    return {
      keys: this.#keys.map((key) => {
        const { n, e } = key.publicKey.export({ format: "jwk" });
        return { kty: "RSA", use: "sig", kid: key.kid, n, e, issuer: this.issuer };
      }),
    };
  }

  #token(form: URLSearchParams, nowMs: number): Reply {
    if (form.get("grant_type") !== "client_credentials") {
      return oauthError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type; the emulator issues client_credentials only.", nowMs);
    }
    const clientId = form.get("client_id") ?? "";
    const client = this.#clients.get(clientId);
    if (!client) return oauthError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory.`, nowMs);
    if (form.get("client_secret") !== client.clientSecret) return oauthError(401, "invalid_client", 7000215, "Invalid client secret provided.", nowMs);
    const scope = form.get("scope") ?? "";
    if (!scope.endsWith("/.default")) {
      return oauthError(400, "invalid_scope", 1002012, "Client credential flows must have a scope value with /.default suffixed to the resource identifier.", nowMs);
    }
    const resource = scope.slice(0, -"/.default".length);
    if (resource !== this.api.identifierUri && resource !== this.api.appId) {
      return oauthError(400, "invalid_resource", 500011, `The resource principal named ${resource} was not found in the tenant.`, nowMs);
    }
    const claims = this.claimsFor(client, nowMs);
    return {
      status: 200,
      body: { token_type: "Bearer", expires_in: this.#lifetimeSeconds, ext_expires_in: this.#lifetimeSeconds, access_token: this.signToken(claims) },
    };
  }
}
