import { createHash } from "node:crypto";
import type { RunRequest } from "./run-request.js";

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** sha256 hex of the request with env keys sorted, so equal requests hash equal in any key order. */
export function hashRequest(request: RunRequest): string {
  const env = Object.fromEntries(Object.entries(request.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // A field a request leaves out is left out of the hash, so hashes of earlier requests still match.
  const { timeoutSeconds, maxRetries, retryOnTimeout, webhookUrl } = request;
  const limits = { timeoutSeconds, maxRetries, retryOnTimeout, webhookUrl };
  const given = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
  return sha256Hex(JSON.stringify({ ...(request.command === undefined ? {} : { command: request.command }), env, ...given }));
}

/** The store keeps keys only as this hash: a key can be a caller's secret-ish correlation value. */
export function hashIdempotencyKey(key: string): string {
  return sha256Hex(key);
}
