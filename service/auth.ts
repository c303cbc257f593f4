import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Config } from "./config.js";
import { ServiceError } from "./errors.js";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * True when `presented` equals one of `keys`. Both sides are hashed to equal length and every
 * key is compared, so neither a key's length nor which key matched shows in the timing.
 */
export function matchesKey(presented: string, keys: readonly string[]): boolean {
  const presentedDigest = digest(presented);
  let matched = false;
  for (const key of keys) matched = timingSafeEqual(presentedDigest, digest(key)) || matched;
  return matched;
}

const bearerPattern = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/**
 * Requires `Authorization: Bearer <key>` with one of the configured keys (several may be
 * valid at once, so keys can be rotated without downtime). With `auth.kind === "none"` every
 * request passes.
 */
export function requireBearer(auth: Config["auth"]): MiddlewareHandler {
  return async (c, next) => {
    if (auth.kind === "keys") {
      const token = bearerPattern.exec(c.req.header("Authorization") ?? "")?.[1];
      if (token === undefined || !matchesKey(token, auth.keys)) {
        throw new ServiceError("Unauthorized", "A valid bearer key is required.");
      }
    }
    await next();
  };
}
