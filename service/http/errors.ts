import { HTTPException } from "hono/http-exception";
import { errorCodes, type ErrorCode } from "./error-codes.js";
import { StoreUnavailable } from "../store/store-errors.js";

/** Extra, caller-useful facts placed next to `code` and `message` in the error body. */
export type ErrorDetails = Record<string, string | string[]>;

/**
 * A failure the caller can act on: a stable code (its HTTP status comes from `errorCodes`), a
 * message safe to show, and optionally details and response headers. The run service throws
 * it; only `toErrorResponse` turns it into HTTP.
 */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetails; headers?: Record<string, string> } = {}) {
    super(message);
    this.code = code;
    this.status = errorCodes[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string } & ErrorDetails;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** True when the failure is ours, not the caller's or Azure's: it deserves an error log. */
  unexpected: boolean;
}

function fromHttpException(error: HTTPException): ServiceError {
  if (error.status === 413) return new ServiceError("PayloadTooLarge", "The request body is too large.");
  if (error.status === 400) return new ServiceError("InvalidRequest", error.message || "The request is invalid.");
  if (error.status === 401) return new ServiceError("Unauthorized", "A valid bearer key is required.");
  return new ServiceError("InternalError", "The service failed to handle the request.");
}

function asServiceError(error: unknown): { error: ServiceError; unexpected: boolean } {
  if (error instanceof ServiceError) return { error, unexpected: false };
  if (error instanceof StoreUnavailable) {
    return { error: new ServiceError("StoreUnavailable", "The run store failed or could not be reached."), unexpected: false };
  }
  if (error instanceof HTTPException) return { error: fromHttpException(error), unexpected: error.status >= 500 };
  return { error: new ServiceError("InternalError", "The service failed to handle the request."), unexpected: true };
}

/** The one translation of any thrown value into an HTTP answer `{"error":{"code","message"}}`. */
export function toErrorResponse(thrown: unknown): ErrorResponse {
  const { error, unexpected } = asServiceError(thrown);
  const headers: Record<string, string> = { ...error.headers };
  if (error.code === "Unauthorized") headers["WWW-Authenticate"] = "Bearer";
  return {
    status: error.status,
    body: { error: { ...error.details, code: error.code, message: error.message } },
    headers,
    unexpected,
  };
}
