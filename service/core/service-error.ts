import type { ErrorCode } from "./error-code.js";

/** Extra, caller-useful facts placed next to `code` and `message` in the error body. */
export type ErrorDetails = Record<string, string | string[]>;

export interface ServiceErrorOptions {
  details?: ErrorDetails;
  /** How long the caller should wait before trying again, when the failure is expected to pass. */
  retryAfterMs?: number;
}

/**
 * A failure the caller can act on, in domain terms: a stable code, a message safe to show, and
 * optionally details and how long to wait before retrying. It knows no protocol: http/ alone
 * turns it into a status and headers.
 */
export class ServiceError extends Error {
  override readonly name: string = "ServiceError";
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: ServiceErrorOptions = {}) {
    super(message);
    this.code = code;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }
}
