/** The run's id, set on the target container so the workload can tag its own output. */
export const runIdEnvName = "TRIGGER_RUN_ID";

/**
 * Bookkeeping on the target container: JSON of the env and command the container had before the
 * first trigger run, so each run starts from that base and nothing carries over between runs.
 */
export const baseEnvName = "TRIGGER_BASE";

/** The run's attempt (1, then one more per retry), set on the target container next to the run id. */
export const attemptEnvName = "TRIGGER_ATTEMPT";
