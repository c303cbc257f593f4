/** The environment variables the client reads (once, in its entry point). */
export const envNames = {
  /** The service's base URL. */
  url: "TRIGGER_URL",
  /** The API key; preferred over `--key`, which other users of the machine can see in `ps`. */
  key: "TRIGGER_KEY",
  /** How often `--wait` and `--follow` poll, as a duration (`2s`, `250ms`); default 2s. */
  pollInterval: "TRIGGER_POLL_INTERVAL",
  /** Set to anything: no colours. */
  noColor: "NO_COLOR",
} as const;
