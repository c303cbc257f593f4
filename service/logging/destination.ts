import pino from "pino";
import pretty from "pino-pretty";

export type LogFormat = "pretty" | "json";

/** Readable lines for a person at a terminal; JSON lines for anything that collects them. */
export function logFormat(stream: { isTTY?: boolean }): LogFormat {
  return stream.isTTY === true ? "pretty" : "json";
}

/**
 * Where the lines for file descriptor `fd` go, written synchronously so that the last line before
 * `process.exit` is never lost. pino-pretty runs in-process, as a stream, not as a worker
 * transport: the bundle has no worker file to start.
 */
export function logDestination(fd: number, format: LogFormat): pino.DestinationStream {
  return format === "pretty"
    ? pretty({ destination: fd, sync: true, customPrettifiers: { caller: describeCaller } })
    : pino.destination({ dest: fd, sync: true });
}

// pino-pretty prints a `caller` field in the line's head as text; the request line's is an object
// (`{ kind: "key", label: "ci" }` reads `key label=ci`).
function describeCaller(caller: unknown): string {
  if (typeof caller !== "object" || caller === null) return String(caller);
  return Object.entries(caller)
    .map(([name, value]) => (name === "kind" ? String(value) : `${name}=${String(value)}`))
    .join(" ");
}
