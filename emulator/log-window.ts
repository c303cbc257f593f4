import { numberedOffsetMs, numberedText, type NumberedLines } from "./numbered-lines.js";

/** One line of a container's output and the moment (ms since the epoch) it was printed. */
export interface LogLine {
  at: number;
  text: string;
}

/** A container's output so far: its own lines, then `printed` numbered lines from `startMs`, then its closing lines. */
export interface ContainerOutput {
  head: LogLine[];
  numbered?: { lines: NumberedLines; startMs: number; printed: number };
  foot: LogLine[];
}

/** What the logs API keeps of an output: whole lines, the newest, within both limits. */
export interface LogLimits {
  maxBytes: number;
  maxLines: number;
}

/** ACI's documented limits: 4 MB while a container runs, the last 16 KB or 1,000 lines once it stopped. */
export const runningLimits: LogLimits = { maxBytes: 4 * 1024 * 1024, maxLines: Number.POSITIVE_INFINITY };
export const terminatedLimits: LogLimits = { maxBytes: 16 * 1024, maxLines: 1_000 };

/**
 * The newest lines of `output` that fit `limits`, oldest first; older lines are dropped whole.
 * Only the kept numbered lines are built: the first of them is found by arithmetic on byte counts.
 */
export function lastLines(output: ContainerOutput, limits: LogLimits): LogLine[] {
  let bytes = limits.maxBytes;
  let lines = limits.maxLines;
  const kept: LogLine[] = [];
  const take = (line: LogLine): boolean => {
    const size = Buffer.byteLength(line.text) + 1;
    if (lines < 1 || size > bytes) return false;
    bytes -= size;
    lines -= 1;
    kept.push(line);
    return true;
  };
  for (const line of [...output.foot].reverse()) if (!take(line)) return kept.reverse();
  if (output.numbered && output.numbered.printed > 0) {
    const { lines: numbered, startMs, printed } = output.numbered;
    const first = firstFitting(printed, bytes, lines);
    for (let i = printed; i >= first; i--) take({ at: startMs + numberedOffsetMs(numbered, i), text: numberedText(i) });
    if (first > 1) return kept.reverse();
  }
  for (const line of [...output.head].reverse()) if (!take(line)) break;
  return kept.reverse();
}

/** The smallest index s such that lines s … last fit in `bytes` and number at most `lines` (last + 1 when none fits). */
function firstFitting(last: number, bytes: number, lines: number): number {
  let low = Math.max(1, last - Math.min(lines, last) + 1);
  let high = last + 1;
  const total = numberedBytes(last);
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (total - numberedBytes(middle - 1) <= bytes) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Bytes of `line 1\n` … `line k\n`, summed per count of digits. */
function numberedBytes(k: number): number {
  let total = 0;
  for (let digits = 1, low = 1; low <= k; digits++, low *= 10) {
    total += (Math.min(k, low * 10 - 1) - low + 1) * (Buffer.byteLength(numberedText(low)) + 1);
  }
  return total;
}
