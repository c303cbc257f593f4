/**
 * Exit codes of `aci-trigger`. With `--wait`, a run that failed exits with its own exit code;
 * the fixed codes below sit where jobs rarely exit, next to the conventions of GNU `timeout`
 * (124: the time ran out) and Docker (125: the tool, not the job, failed).
 */
export const exitCodes = {
  /** The command did what it was asked; with `--wait`, the run succeeded. */
  ok: 0,
  /** The run failed without an exit code of its own (for example its image could not be pulled), or ended in a status this client does not know. */
  runFailed: 1,
  /** Bad flags or arguments, or no service to talk to. */
  usage: 2,
  /** The run was canceled. */
  canceled: 121,
  /** The service lost track of the run (status `lost`). */
  lost: 122,
  /** `--wait-timeout` ran out while the run was still active (it goes on), or the run ended `timed_out`, as timeout(1) exits. */
  timedOut: 124,
  /** The service refused the call (its `error.code` is printed) or could not be reached. */
  apiError: 125,
  /** Interrupted (Ctrl-C) while waiting; the run goes on. */
  interrupted: 130,
} as const;
