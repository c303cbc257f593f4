import { randomBytes, timingSafeEqual } from "node:crypto";
import { cloudError, type Reply } from "./cloud-error.js";

/**
 * The managed-identity endpoint of App Service / Container Apps (api-version 2019-08-01), as
 * @azure/identity's ManagedIdentityCredential calls it through MSAL: GET with query `resource`
 * and one of `client_id`, `mi_res_id`, `object_id` / `principal_id`, and the secret header
 * `X-IDENTITY-HEADER`. It issues opaque tokens that only this emulator's ARM routes accept.
 */
export interface IdentityOptions {
  header: string;
  /** When set, token requests must name this client id. */
  requiredClientId?: string;
  lifetimeSeconds: number;
}

interface Issued {
  expiresAt: number;
  clientId: string;
}

const defaultClientId = "00000000-0000-0000-0000-0000000000e1";

export class TokenIssuer {
  #options: IdentityOptions;
  #issued = new Map<string, Issued>();

  constructor(options: IdentityOptions) {
    this.#options = options;
  }

  /** Answers one token request; `now` is in milliseconds. */
  issue(query: URLSearchParams, headers: Record<string, string | undefined>, now: number): Reply {
    const secret = headers["x-identity-header"];
    if (secret === undefined || !sameSecret(secret, this.#options.header)) {
      return { status: 401, body: { error: "unauthorized_client", error_description: "The X-IDENTITY-HEADER header is missing or wrong." } };
    }
    const resource = query.get("resource");
    if (!resource) return { status: 400, body: { error: "invalid_request", error_description: "The resource parameter is required." } };
    const clientId = query.get("client_id") ?? query.get("mi_res_id") ?? query.get("object_id") ?? query.get("principal_id") ?? defaultClientId;
    const required = this.#options.requiredClientId;
    if (required !== undefined && clientId !== required) {
      return { status: 400, body: { error: "invalid_request", error_description: `No managed identity with id '${clientId}' is assigned to this resource.` } };
    }
    const token = randomBytes(24).toString("base64url");
    const expiresAt = now + this.#options.lifetimeSeconds * 1000;
    this.#issued.set(token, { expiresAt, clientId });
    return {
      status: 200,
      body: {
        access_token: token,
        expires_on: String(Math.floor(expiresAt / 1000)),
        resource,
        token_type: "Bearer",
        client_id: clientId,
      },
    };
  }

  /** Undefined when the Authorization header carries a live token; else ARM's 401 answer. */
  check(authorization: string | undefined, now: number, realm: string): Reply | undefined {
    const challenge = (description: string) => ({
      "www-authenticate": `Bearer authorization_uri="${realm}", error="invalid_token", error_description="${description}"`,
    });
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) {
      const message = "Authentication failed. The 'Authorization' header is missing.";
      return cloudError(401, "AuthenticationFailed", message, challenge("The authentication failed because of missing 'Authorization' header."));
    }
    const issued = this.#issued.get(match[1] ?? "");
    if (!issued) {
      return cloudError(401, "InvalidAuthenticationToken", "The access token is invalid.", challenge("The access token is invalid."));
    }
    if (issued.expiresAt <= now) {
      const message = `The access token expiry UTC time '${new Date(issued.expiresAt).toISOString()}' is earlier than current UTC time '${new Date(now).toISOString()}'.`;
      return cloudError(401, "ExpiredAuthenticationToken", message, challenge("The access token has expired."));
    }
    return undefined;
  }
}

export function randomIdentityHeader(): string {
  return randomBytes(18).toString("base64url");
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
