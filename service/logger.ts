import { isSpanContextValid, trace } from "@opentelemetry/api";
import pino from "pino";
import { logDestination, logFormat } from "./logging/destination.js";
import { errorFields } from "./logging/error-fields.js";
import { redactedValue, redactPaths } from "./logging/redact-paths.js";

export const logLevels = ["debug", "info", "warn", "error"] as const;

/** Severity of a log line; lines below the configured level are dropped. */
export type LogLevel = (typeof logLevels)[number];

export type LogFields = Record<string, unknown>;

/** Writes one line per event with its fields, so a log collector can query them. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields` (for example the request id). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** The stream the lines go to; default stdout. */
  output?: "stdout" | "stderr";
  /** Takes each JSON line instead, without its newline (tests). */
  write?: (line: string) => void;
  /** Also hands each line, redacted and parsed, to this (telemetry's log export). */
  exportLine?: (line: Record<string, unknown>) => void;
}

/**
 * A pino logger behind the service's `Logger`. On a terminal the lines are readable text; anywhere
 * else one JSON object per line: `level` (a word), `time` (ISO 8601), the fields, then `msg`.
 * The fields at `redactPaths` are written as "[redacted]", and an error in any field is written
 * as `errorFields` describes it. A line written inside a span carries its `traceId` and `spanId`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const output = process[options.output ?? "stdout"];
  const written = options.write
    ? { write: (line: string) => options.write?.(line.endsWith("\n") ? line.slice(0, -1) : line) }
    : logDestination(output.fd, logFormat(output));
  const { exportLine } = options;
  // pino writes JSON to its destination (pino-pretty formats it there), so the export sees JSON.
  const destination = exportLine
    ? {
        write: (line: string) => {
          written.write(line);
          exportLine(JSON.parse(line) as Record<string, unknown>);
        },
      }
    : written;
  const log = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...redactPaths], censor: redactedValue },
      // Replaces pino's own `err` serializer, which copies every enumerable property of an error.
      serializers: { err: describeError },
      mixin: spanIds,
    },
    destination,
  );
  return wrap(log);
}

/** The ids of the active span, so that a line and its trace meet; nothing outside a span. */
function spanIds(): LogFields {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

const describeError = (value: unknown) => (value instanceof Error ? errorFields(value) : value);

// pino applies serializers by field name; an error is described whatever name it is logged under,
// since one written raw would carry whatever its enumerable properties hold.
function describeErrors(fields: LogFields | undefined): LogFields {
  if (!fields) return {};
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, describeError(value)]));
}

function wrap(log: pino.Logger): Logger {
  return {
    debug: (message, fields) => log.debug(describeErrors(fields), message),
    info: (message, fields) => log.info(describeErrors(fields), message),
    warn: (message, fields) => log.warn(describeErrors(fields), message),
    error: (message, fields) => log.error(describeErrors(fields), message),
    child: (fields) => wrap(log.child(describeErrors(fields))),
  };
}
