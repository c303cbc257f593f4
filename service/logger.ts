/** Severity of a log line; lines below the configured level are dropped. */
export type LogLevel = "debug" | "info" | "warn" | "error";

export type LogFields = Record<string, unknown>;

/** Writes one JSON object per line, so a log collector can query fields without parsing text. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields` (for example the request id). */
  child(fields: LogFields): Logger;
}

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Field names that may hold credentials or caller data; their values never reach a log line,
// whatever a call site passes by mistake.
const sensitiveName = /authorization|password|secret|token|key|env|body|cookie|credential/i;

const REDACTED = "[redacted]";

function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return describeError(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 5) return "[nested]";
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: LogFields = {};
  for (const [name, inner] of Object.entries(value)) {
    out[name] = sensitiveName.test(name) ? REDACTED : redact(inner, depth + 1);
  }
  return out;
}

// An error is logged by its kind and status only: messages from the SDK can quote the request.
function describeError(error: Error): LogFields {
  const fields: LogFields = { name: error.name };
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === "string") fields["code"] = code;
  if (typeof statusCode === "number") fields["statusCode"] = statusCode;
  return fields;
}

/**
 * A logger that writes structured JSON lines (`time`, `level`, `msg`, then fields) to `write`,
 * stdout by default. Fields whose names suggest secrets or caller data are replaced with
 * "[redacted]", and errors are reduced to their name, code and status.
 */
export function createLogger(options: { level: LogLevel; write?: (line: string) => void }): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const threshold = severity[options.level];

  function build(bound: LogFields): Logger {
    const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
      if (severity[level] < threshold) return;
      const line = { time: new Date().toISOString(), level, msg: message, ...bound, ...(redact(fields ?? {}) as LogFields) };
      write(JSON.stringify(line));
    };
    return {
      debug: emit("debug"),
      info: emit("info"),
      warn: emit("warn"),
      error: emit("error"),
      child: (fields) => build({ ...bound, ...(redact(fields) as LogFields) }),
    };
  }

  return build({});
}
