import { exitCodes } from "./exit-codes.js";
import type { Run } from "./run-types.js";

/** Exit codes a process can report; a run's exit code outside 1..255 falls back to `runFailed`. */
function processExitCode(code: number | undefined): number {
  return code !== undefined && Number.isInteger(code) && code >= 1 && code <= 255 ? code : exitCodes.runFailed;
}

/** The exit code of `run --wait` for a run that ended as `run` reads. */
export function exitCodeOf(run: Run): number {
  switch (run.status) {
    case "succeeded":
      return exitCodes.ok;
    case "failed":
      return processExitCode(run.exitCode);
    case "canceled":
      return exitCodes.canceled;
    case "lost":
      return exitCodes.lost;
    case "timed_out":
      return exitCodes.timedOut;
    default:
      return exitCodes.runFailed;
  }
}
