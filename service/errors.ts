import { isRestError, type RestError } from "@azure/core-rest-pipeline";
import { HTTPException } from "hono/http-exception";
import { errorCodes, type ErrorCode } from "./error-codes.js";
import { retryAfterSeconds } from "./retry-after-cap.js";

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

// Wait suggested to callers when ARM is busy but named no time (Microsoft's advice for 409
// ContainerGroupTransitioning is at least 10 s).
const DEFAULT_RETRY_AFTER_SECONDS = 10;

// ARM codes are PascalCase identifiers; anything else is not echoed to callers.
const armCodePattern = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;

function armBusy(error: RestError): ServiceError {
  const seconds = error.response ? retryAfterSeconds(error.response) : undefined;
  const retryAfter = String(Math.max(1, seconds ?? DEFAULT_RETRY_AFTER_SECONDS));
  return new ServiceError("ArmBusy", `Azure Resource Manager is busy with this container group; retry after ${retryAfter} s.`, {
    headers: { "Retry-After": retryAfter },
  });
}

/**
 * Maps an ARM failure to what the caller can do about it. Only the status and ARM's error code
 * are used: ARM and SDK messages can quote request details and never reach a response.
 */
export function fromArmError(error: RestError): ServiceError {
  const status = error.statusCode;
  const armCode = error.code !== undefined && armCodePattern.test(error.code) ? error.code : undefined;
  if (status === 429) return armBusy(error);
  if (status === 409) return armBusy(error);
  if (status === 503 && error.response?.headers.has("retry-after")) return armBusy(error);
  if (status === 401 || status === 403) {
    return new ServiceError("ArmAccessDenied", "Azure Resource Manager denied the service's identity access to the container group.");
  }
  if (status === 404) {
    return new ServiceError("ContainerGroupNotFound", "The configured container group (or container) does not exist in Azure.");
  }
  if (status === 400 || status === 422) {
    const suffix = armCode ? ` (ARM code ${armCode})` : "";
    return new ServiceError("ArmRejectedDefinition", `Azure Resource Manager rejected the container group definition${suffix}.`, {
      ...(armCode ? { details: { armCode } } : {}),
    });
  }
  return new ServiceError("ArmUnavailable", "Azure Resource Manager failed or could not be reached.");
}

function fromHttpException(error: HTTPException): ServiceError {
  if (error.status === 413) return new ServiceError("PayloadTooLarge", "The request body is too large.");
  if (error.status === 400) return new ServiceError("InvalidRequest", error.message || "The request is invalid.");
  if (error.status === 401) return new ServiceError("Unauthorized", "A valid bearer key is required.");
  return new ServiceError("InternalError", "The service failed to handle the request.");
}

function asServiceError(error: unknown): { error: ServiceError; unexpected: boolean } {
  if (error instanceof ServiceError) return { error, unexpected: false };
  if (isRestError(error)) return { error: fromArmError(error), unexpected: false };
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
