import { HTTPException } from "hono/http-exception";
import { ServiceError, type ErrorDetails } from "../core/service-error.js";
import { errorCodes, type ErrorCode } from "./error-codes.js";

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
  if (error instanceof HTTPException) return { error: fromHttpException(error), unexpected: error.status >= 500 };
  return { error: new ServiceError("InternalError", "The service failed to handle the request."), unexpected: true };
}

/** The headers a domain error implies: `Retry-After` in whole seconds (rounded up), the auth challenge. */
function headersOf(error: ServiceError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.retryAfterMs !== undefined) headers["Retry-After"] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  if (error.code === "Unauthorized") headers["WWW-Authenticate"] = "Bearer";
  return headers;
}

/**
 * The one translation of any thrown value into an HTTP answer `{"error":{"code","message"}}`:
 * the status from the code's row in `errorCodes`, the headers from the error's domain facts.
 */
export function toErrorResponse(thrown: unknown): ErrorResponse {
  const { error, unexpected } = asServiceError(thrown);
  return {
    status: errorCodes[error.code].status,
    body: { error: { ...error.details, code: error.code, message: error.message } },
    headers: headersOf(error),
    unexpected,
  };
}
