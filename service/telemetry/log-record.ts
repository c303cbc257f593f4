import type { Attributes } from "@opentelemetry/api";

/**
 * A log line's fields as log record attributes: scalars as they are, anything else as its JSON.
 * The line was redacted by the logger before it got here.
 */
export function logAttributes(fields: Record<string, unknown>): Attributes {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [name, typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : JSON.stringify(value)]),
  );
}
