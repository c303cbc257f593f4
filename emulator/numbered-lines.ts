/**
 * The demo job's numbered lines (`EMULATOR_LOG_LINES=N`, `EMULATOR_LOG_LINES_PER_SECOND=R`):
 * `line 1` … `line N`, line i printed at start + ⌈i·1000/R⌉ ms (all at start when R is 0).
 * Everything is arithmetic on the index, so a million lines cost nothing until a request reads
 * some of them.
 */
export interface NumberedLines {
  /** N: how many lines the job prints in all. */
  count: number;
  /** R: lines per second; 0 prints them all at the container's start. */
  perSecond: number;
}

/** The text of line i. */
export function numberedText(i: number): string {
  return `line ${i}`;
}

/** Milliseconds after the container's start at which line i is printed. */
export function numberedOffsetMs(lines: NumberedLines, i: number): number {
  return lines.perSecond > 0 ? Math.ceil((i * 1000) / lines.perSecond) : 0;
}

/** How long the job takes to print all its lines: the offset of its last line. */
export function numberedDurationMs(lines: NumberedLines): number {
  return lines.count > 0 ? numberedOffsetMs(lines, lines.count) : 0;
}

/** How many lines are printed `elapsedMs` after the start: those with ⌈i·1000/R⌉ <= elapsed. */
export function numberedPrinted(lines: NumberedLines, elapsedMs: number): number {
  if (elapsedMs < 0) return 0;
  if (lines.perSecond === 0) return lines.count;
  return Math.min(lines.count, Math.floor((Math.floor(elapsedMs) * lines.perSecond) / 1000));
}
