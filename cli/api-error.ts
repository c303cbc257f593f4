import { CliError } from "./cli-error.js";
import { exitCodes } from "./exit-codes.js";

/**
 * The service answered with an error, or could not be reached. `code` is the service's
 * `error.code` when it sent one (`RunNotFound`, `ArmBusy`, …), else a name for what went wrong
 * on the way (`HttpError`, `Unreachable`, `Timeout`); the message starts with it.
 */
export class ApiError extends CliError {
  override name = "ApiError";
  constructor(
    readonly code: string,
    detail: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(`${code}: ${detail}`, exitCodes.apiError);
  }
}
