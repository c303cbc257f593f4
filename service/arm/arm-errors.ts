import { isRestError, RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { ServiceError } from "../core/service-error.js";
import { retryAfterMs } from "./retry-after.js";

/** Which ARM call failed: the same status means different things for a PUT and for a log read. */
export type ArmOperation = "read" | "put" | "stop" | "logs" | "delete";

// Wait suggested to callers when ARM is busy but named no time (Microsoft's advice for 409
// ContainerGroupTransitioning is at least 10 s).
const defaultRetryAfterMs = 10_000;

/** ARM's code for an operation sent while an earlier one on the same group is still running. */
const transitioningCode = "ContainerGroupTransitioning";

// ARM codes are PascalCase identifiers; anything else is not echoed to callers.
const armCodePattern = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;

function armBusy(error: RestError): ServiceError {
  const wait = Math.max(1_000, (error.response ? retryAfterMs(error.response) : undefined) ?? defaultRetryAfterMs);
  return new ServiceError("ArmBusy", `Azure Resource Manager is busy with this container group; retry after ${Math.ceil(wait / 1000)} s.`, {
    retryAfterMs: wait,
  });
}

/** True for the 409 ARM answers while an earlier operation on the group is still running. */
export function isTransitioning(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 409 && error.code === transitioningCode;
}

/**
 * True when a PUT's outcome is unknown: no answer (dropped, timed out, aborted) or a 5xx that may
 * have come after ARM applied it. Such an outcome is settled by reading the group, never by
 * sending the PUT again.
 */
export function isUnclearOutcome(error: unknown): boolean {
  if (!isRestError(error)) return error instanceof Error && error.name === "AbortError";
  return error.statusCode === undefined || error.statusCode >= 500;
}

/**
 * Maps an ARM failure to what the caller can do about it. Only the status and ARM's error code
 * are used: ARM and SDK messages can quote request details and never reach a response.
 */
export function fromArmError(error: RestError, operation: ArmOperation): ServiceError {
  const status = error.statusCode;
  const armCode = error.code !== undefined && armCodePattern.test(error.code) ? error.code : undefined;
  const details = armCode ? { details: { armCode } } : {};
  const suffix = armCode ? ` (ARM code ${armCode})` : "";
  if (status === 429 || isTransitioning(error)) return armBusy(error);
  if (status === 503 && error.response?.headers.has("retry-after")) return armBusy(error);
  if (status === 401 || status === 403) {
    return new ServiceError("ArmAccessDenied", "Azure Resource Manager denied the service's identity access to the container group.");
  }
  if (status === 404) {
    return operation === "logs"
      ? new ServiceError("ContainerNotFound", `Azure has no such container in the group${suffix}.`, details)
      : new ServiceError("ContainerGroupNotFound", "The configured container group does not exist in Azure.");
  }
  if (status === 409) {
    return new ServiceError("ArmConflict", `Azure Resource Manager refused the ${operation} because of a conflicting state${suffix}.`, details);
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return operation === "put"
      ? new ServiceError("ArmRejectedDefinition", `Azure Resource Manager rejected the container group definition${suffix}.`, details)
      : new ServiceError("ArmRejectedRequest", `Azure Resource Manager rejected the ${operation} request${suffix}.`, details);
  }
  return new ServiceError("ArmUnavailable", "Azure Resource Manager failed or could not be reached.");
}

/** The `RestError` the SDK would have thrown for an ARM error response, ARM's code included. */
export function restErrorOf(response: PipelineResponse): RestError {
  let code: string | undefined;
  let message = `ARM answered ${response.status}`;
  try {
    const body = JSON.parse(response.bodyAsText ?? "") as { error?: { code?: string; message?: string } };
    code = body.error?.code;
    message = body.error?.message ?? message;
  } catch {
    // A body that is not a CloudError leaves the status as the only fact.
  }
  return new RestError(message, { statusCode: response.status, response, request: response.request, ...(code ? { code } : {}) });
}
