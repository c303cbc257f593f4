/**
 * The lines of a run's log archive. Each archived line keeps the time ACI stamped it with, so a
 * later copy can find where it overlaps the archive: `<time> <text>` for the container's output,
 * `<time>! <text>` for the archive's own notes (a gap, a cap, an attempt). ACI never writes a
 * `!` right after its time stamp, so no output line can pass for a note.
 */

/** One line of a container's output as ACI stamped it. */
export interface LogLine {
  at: string;
  text: string;
}

export type ArchiveLine = ({ kind: "output" } | { kind: "notice" }) & LogLine;

const stamp = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)$/;

/**
 * A key that orders ACI's time stamps: RFC 3339 with any number of fraction digits (ACI writes
 * nanoseconds, others milliseconds). Undefined for anything that is not a time stamp.
 */
export function timeKey(at: string): string | undefined {
  const match = stamp.exec(at);
  if (!match) return undefined;
  const [, seconds, fraction = "", zone] = match;
  if (zone === "Z") return `${seconds}.${fraction.padEnd(9, "0")}`;
  const ms = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction.padEnd(9, "0")}`;
}

/** -1, 0 or 1 as `a` is before, at or after `b`. */
export function compareTimes(a: string, b: string): number {
  const ka = timeKey(a) ?? a;
  const kb = timeKey(b) ?? b;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The lines of ACI's log window read with `timestamps`. A last line without its newline is still
 * being written, so it waits for the next copy unless the container has stopped (`complete`). A
 * first line without a time stamp is the cut end of a line ACI dropped and is left out; a later
 * one (a line with a newline ACI did not stamp) keeps the time of the line before it.
 */
export function parseWindow(content: string, complete: boolean): LogLine[] {
  const parts = content.split("\n");
  const last = parts.pop() ?? "";
  if (complete && last !== "") parts.push(last);
  const lines: LogLine[] = [];
  for (const part of parts) {
    const space = part.indexOf(" ");
    const at = space < 0 ? part : part.slice(0, space);
    if (timeKey(at) !== undefined) lines.push({ at, text: space < 0 ? "" : part.slice(space + 1).replace(/\r$/, "") });
    else if (lines.length > 0) lines.push({ at: lines[lines.length - 1]!.at, text: part.replace(/\r$/, "") });
  }
  return lines;
}

/** The archive's form of a line, without its newline. */
export function formatArchiveLine(line: ArchiveLine): string {
  return line.kind === "notice" ? `${line.at}! ${line.text}` : `${line.at} ${line.text}`;
}

/** An archived line read back; undefined for a cut piece (the start of a range read mid-line). */
export function parseArchiveLine(raw: string): ArchiveLine | undefined {
  const space = raw.indexOf(" ");
  if (space < 0) return undefined;
  const head = raw.slice(0, space);
  const notice = head.endsWith("!");
  const at = notice ? head.slice(0, -1) : head;
  if (timeKey(at) === undefined) return undefined;
  return { kind: notice ? "notice" : "output", at, text: raw.slice(space + 1) };
}

/** How an archived line reads in `GET /runs/{id}/logs`: the output as printed, a notice marked as the archive's. */
export function shownLine(line: ArchiveLine): string {
  return line.kind === "notice" ? `[log archive] ${line.text}` : line.text;
}

const encoder = new TextEncoder();

/** The bytes a line takes in the archive, its newline included. */
export function archivedBytes(line: ArchiveLine): number {
  return encoder.encode(formatArchiveLine(line)).length + 1;
}
