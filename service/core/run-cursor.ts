import { createHash } from "node:crypto";

/**
 * `nextCursor` of `GET /runs`: opaque to callers, checked when it comes back. It is the base64url
 * of a short checksum followed by the position the next page starts after, so a cursor that was
 * truncated, mistyped or made up is refused (400) instead of silently paging from somewhere else
 * or reading as "no more runs". A checksum, not an HMAC: a caller who forges a position can read
 * no run it could not list anyway, and no secret has to be shared between replicas.
 */
const checksumBytes = 6;
/** The longest cursor accepted: far above any position the store writes. */
export const maxCursorLength = 512;
const alphabet = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function checksum(position: Buffer): Buffer {
  return createHash("sha256").update("aci-trigger cursor\0").update(position).digest().subarray(0, checksumBytes);
}

/** The cursor that resumes a listing after `position`. */
export function sealCursor(position: string): string {
  const payload = Buffer.from(position, "utf8");
  return Buffer.concat([checksum(payload), payload]).toString("base64url");
}

/** The position a cursor from `sealCursor` carries, or undefined for anything else. */
export function openCursor(cursor: string): string | undefined {
  if (cursor.length > maxCursorLength || !alphabet.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, "base64url");
  // Node decodes leniently: only the canonical spelling of the bytes is a cursor of ours.
  if (bytes.length <= checksumBytes || bytes.toString("base64url") !== cursor) return undefined;
  const payload = bytes.subarray(checksumBytes);
  if (!checksum(payload).equals(bytes.subarray(0, checksumBytes))) return undefined;
  try {
    return utf8.decode(payload);
  } catch {
    return undefined;
  }
}

/** The message of a 400 for a cursor `openCursor` refuses. */
export const invalidCursorMessage = "is not a nextCursor of this service (truncated or altered?); leave it out to start from the newest run";
