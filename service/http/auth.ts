import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.js";
import { ServiceError } from "../core/service-error.js";
import type { AuthConfig } from "./auth-config.js";
import type { EntraVerifier } from "./auth-entra.js";
import { matchingKey } from "./auth-keys.js";
import type { Caller } from "./caller.js";
import { clientAddress } from "./client-address.js";
import type { WindowCounter } from "./rate-limit.js";

export interface AuthenticatorOptions {
  auth: AuthConfig;
  /** Checks Entra ID tokens; required when `auth.entra` is set. */
  entra?: EntraVerifier;
  /**
   * Lets a request without credentials in as anonymous while still verifying any that are
   * presented. Only `npm start`'s local demo sets it; no configuration can.
   */
  allowAnonymous?: boolean;
  /** Failed authentications per client; a client over its limit is answered 429 unchecked. */
  failures: WindowCounter;
  trustedProxyHops: number;
  now: () => number;
}

export interface Authenticator {
  /** Requires a caller, and sets `c.var.caller`. */
  require: MiddlewareHandler<AppEnv>;
  /** Identifies the caller when the request carries credentials; anonymous requests pass unnamed. */
  identifyIfPresented: MiddlewareHandler<AppEnv>;
}

const bearerPattern = /^Bearer[ ]+([^\s]+)[ ]*$/i;
// Three base64url segments: the compact form of a JWS. Anything else cannot be a token.
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

// One answer for every refusal, so a caller learns nothing about which check failed.
const refusal = () => new ServiceError("Unauthorized", "A valid bearer key or Entra ID access token is required.");
const anonymous: Caller = { kind: "anonymous" };

type Identified =
  | { outcome: "accepted"; caller: Caller }
  | { outcome: "refused"; reason: string; presented: "nothing" | "key" | "token" }
  | { outcome: "unavailable"; reason: string };

async function identify(header: string | undefined, auth: Extract<AuthConfig, { kind: "required" }>, entra: EntraVerifier | undefined): Promise<Identified> {
  const credential = bearerPattern.exec(header ?? "")?.[1];
  if (credential === undefined) return { outcome: "refused", reason: header === undefined ? "no Authorization header" : "not the Bearer scheme", presented: "nothing" };
  const key = matchingKey(credential, auth.keys);
  if (key) return { outcome: "accepted", caller: { kind: "key", label: key.label } };
  if (!entra || !compactJws.test(credential)) return { outcome: "refused", reason: "unknown key", presented: "key" };
  const checked = await entra.verify(credential);
  return checked.outcome === "refused" ? { ...checked, presented: "token" } : checked;
}

// The TCP peer; app.request() in tests has no socket unless the test passes one as env.
function socketAddress(c: Context): string | undefined {
  const bindings = c.env as { incoming?: unknown; server?: unknown } | undefined;
  return bindings?.incoming || bindings?.server ? getConnInfo(c).remote.address : undefined;
}

/**
 * Bearer authentication for keys and Entra ID tokens, in front of a per-client limit on failed
 * attempts. Every refusal is the same 401; its reason goes to the log, never the credential.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { auth, failures, now } = options;

  const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header("Authorization");
    if (auth.kind === "none" || (header === undefined && options.allowAnonymous)) {
      c.set("caller", anonymous);
      return next();
    }
    const client = clientAddress(socketAddress(c), c.req.header("X-Forwarded-For"), options.trustedProxyHops);
    const wait = failures.blockedFor(client, now());
    if (wait !== undefined) {
      c.var.log.warn("authentication blocked", { client, retryAfterSeconds: wait });
      throw new ServiceError("TooManyFailedAuthentications", `Too many failed authentications from this client; retry after ${wait} s.`, {
        retryAfterMs: wait * 1000,
      });
    }
    const identified = await identify(header, auth, options.entra);
    if (identified.outcome === "unavailable") {
      c.var.log.warn("entra id keys unavailable", { reason: identified.reason });
      throw new ServiceError("EntraUnavailable", "Entra ID's signing keys cannot be fetched right now; retry later.");
    }
    if (identified.outcome === "refused") {
      failures.record(client, now());
      c.var.log.warn("authentication refused", { reason: identified.reason, presented: identified.presented, client });
      throw refusal();
    }
    c.set("caller", identified.caller);
    await next();
  };

  return {
    require: authenticate,
    identifyIfPresented: async (c, next) => {
      if (auth.kind !== "none" && !options.allowAnonymous && c.req.header("Authorization") === undefined) return next();
      return authenticate(c, next);
    },
  };
}
