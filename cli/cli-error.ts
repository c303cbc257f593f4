import { exitCodes } from "./exit-codes.js";

/**
 * A failure the client explains in one line and exits with `exitCode`; the entry point prints
 * `message` alone, never a stack.
 */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Bad flags, arguments or connection settings: exit 2. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, exitCodes.usage);
  }
}
