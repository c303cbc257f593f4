import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKey } from "./auth-config.js";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * The configured key equal to `presented`, or undefined. Both sides are hashed to equal length
 * and every key is compared, so neither a key's length nor which key matched shows in the timing.
 */
export function matchingKey(presented: string, keys: readonly ApiKey[]): ApiKey | undefined {
  const presentedDigest = digest(presented);
  let matched: ApiKey | undefined;
  for (const key of keys) {
    const equal = timingSafeEqual(presentedDigest, digest(key.value));
    matched = equal ? key : matched;
  }
  return matched;
}
