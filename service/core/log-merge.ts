import { archivedBytes, compareTimes, type ArchiveLine, type LogLine } from "./log-lines.js";

/** What a copy needs to know of a run's archive: its size and where its output ends. */
export interface ArchiveTail {
  bytes: number;
  /** the attempt whose output the archive holds last; 0 while it holds none */
  attempt: number;
  /** the last output line archived for `attempt` */
  last?: LogLine;
  /** how many output lines at the archive's end equal `last` (a line printed again at the same time) */
  repeats: number;
  /** the archive reached its head's share of the cap: only the final copy adds (the tail) */
  full: boolean;
}

export const emptyArchive: ArchiveTail = { bytes: 0, attempt: 0, repeats: 0, full: false };

export interface MergeOptions {
  /** the attempt whose container the window was read from */
  attempt: number;
  /** the attempt's container has stopped: this is its last copy */
  final: boolean;
  /** TRIGGER_LOG_ARCHIVE_MAX_BYTES */
  maxBytes: number;
  /** the time of the notes this copy writes */
  now: string;
}

export interface Merged {
  /** the lines to append, in order */
  lines: ArchiveLine[];
  tail: ArchiveTail;
}

/** The share of the cap kept for the run's last lines once its head has filled the rest. */
export function tailShare(maxBytes: number): number {
  return Math.min(Math.floor(maxBytes / 2), 1024 * 1024);
}

const same = (a: LogLine, b: LogLine) => a.text === b.text && compareTimes(a.at, b.at) === 0;

/**
 * The lines of `window` (ACI's log of one container, as read now) that the archive lacks.
 * ACI keeps only a window of a container's output that moves on as the container writes, so the
 * new lines are those after the archive's last one; where that line is no longer in the window,
 * ACI dropped lines between two copies, and only the lines after it in time are taken.
 */
export function newLines(tail: ArchiveTail, window: readonly LogLine[]): { fresh: LogLine[]; gap: boolean } {
  const { last } = tail;
  if (last === undefined) return { fresh: [...window], gap: false };
  const first = window.findIndex((line) => same(line, last));
  if (first < 0) {
    // A window that no longer reaches back before the archive's last line may have lost lines after it.
    const fresh = window.filter((line) => compareTimes(line.at, last.at) > 0);
    return { fresh, gap: fresh.length > 0 && compareTimes(window[0]!.at, last.at) >= 0 };
  }
  let end = first;
  while (end + 1 < window.length && end - first + 1 < tail.repeats && same(window[end + 1]!, last)) end += 1;
  return { fresh: window.slice(end + 1), gap: false };
}

const notice = (at: string, text: string): ArchiveLine => ({ kind: "notice", at, text });
const fullNote = "the archive reached";
// The most bytes a note of the cap takes: kept free for it.
const noteRoom = 320;
const attemptNote = /^attempt (\d+) begins$/;

/**
 * Merges a new read of ACI's window into the archive: no line archived twice, none invented.
 * A gap becomes a note that says lines may be missing there. Past the head's share of
 * `maxBytes` the archive stops taking output until the attempt's final copy, which keeps what
 * fits of its last lines and says what was dropped between. An attempt after the archive's last
 * one starts with a note; a read of an earlier attempt's container comes too late and adds nothing.
 */
export function mergeWindow(tail: ArchiveTail, window: readonly LogLine[], options: MergeOptions): Merged {
  if (options.attempt < tail.attempt) return { lines: [], tail };
  const lines: ArchiveLine[] = [];
  let current = tail;
  if (options.attempt > tail.attempt) {
    if (options.attempt > 1) lines.push(notice(options.now, `attempt ${options.attempt} begins`));
    current = { ...tail, attempt: options.attempt, last: undefined, repeats: 0 };
  }
  if (current.full && !options.final) return finish(current, lines, []);
  const { fresh, gap } = newLines(current, window);
  if (gap) {
    const since = current.last ? ` after ${current.last.at}` : "";
    lines.push(notice(fresh[0]!.at, `lines may be missing here: the container wrote more${since} than Azure keeps between two copies`));
  }
  const used = current.bytes + lines.reduce((sum, line) => sum + archivedBytes(line), 0);
  return finish(current, lines, capped(current, fresh, used, options));
}

/** The output lines that fit, with the notes of what the cap dropped. */
function capped(tail: ArchiveTail, fresh: readonly LogLine[], used: number, options: MergeOptions): ArchiveLine[] {
  const out: ArchiveLine[] = [];
  const total = fresh.reduce((sum, line) => sum + archivedBytes({ kind: "output", ...line }), 0);
  if (options.final && !tail.full && used + total <= options.maxBytes) return fresh.map((line) => ({ kind: "output", ...line }));
  // The head leaves room for the tail and for the note that the archive is full.
  const head = options.maxBytes - tailShare(options.maxBytes) - noteRoom;
  let index = 0;
  if (!tail.full) {
    for (; index < fresh.length; index += 1) {
      const line: ArchiveLine = { kind: "output", ...fresh[index]! };
      if (used + archivedBytes(line) > head) break;
      used += archivedBytes(line);
      out.push(line);
    }
  }
  const rest = fresh.slice(index);
  if (rest.length === 0) return out;
  if (!options.final) {
    out.push(notice(rest[0]!.at, `${fullNote} ${options.maxBytes} bytes (TRIGGER_LOG_ARCHIVE_MAX_BYTES): output from here on is dropped, but for the run's last lines`));
    return out;
  }
  const restBytes = rest.reduce((sum, line) => sum + archivedBytes({ kind: "output", ...line }), 0);
  if (used + restBytes <= options.maxBytes) return [...out, ...rest.map((line): ArchiveLine => ({ kind: "output", ...line }))];
  // The tail: as many of the last lines as fit after a note of what was dropped.
  let room = options.maxBytes - used - noteRoom;
  let from = rest.length;
  while (from > 0 && archivedBytes({ kind: "output", ...rest[from - 1]! }) <= room) {
    room -= archivedBytes({ kind: "output", ...rest[from - 1]! });
    from -= 1;
  }
  if (from === 0) return [...out, ...rest.map((line): ArchiveLine => ({ kind: "output", ...line }))];
  const dropped = rest.slice(0, from);
  out.push(
    notice(
      dropped[0]!.at,
      `${dropped.length} lines from ${dropped[0]!.at} to ${dropped[dropped.length - 1]!.at} were dropped (TRIGGER_LOG_ARCHIVE_MAX_BYTES = ${options.maxBytes}), and any Azure no longer held; the run's last lines follow`,
    ),
  );
  return [...out, ...rest.slice(from).map((line): ArchiveLine => ({ kind: "output", ...line }))];
}

/** The archive's tail once `lines` are appended to it. */
function finish(tail: ArchiveTail, notes: ArchiveLine[], added: ArchiveLine[]): Merged {
  const lines = [...notes, ...added];
  return { lines, tail: advance(tail, lines) };
}

/** `tail` after `lines` were appended: a copy's next merge starts from it. */
export function advance(tail: ArchiveTail, lines: readonly ArchiveLine[]): ArchiveTail {
  let next = { ...tail };
  for (const line of lines) {
    next.bytes += archivedBytes(line);
    if (line.kind === "notice") {
      if (line.text.startsWith(fullNote)) next.full = true;
      const attempt = attemptNote.exec(line.text);
      if (attempt) next = { ...next, attempt: Number(attempt[1]), last: undefined, repeats: 0 };
      continue;
    }
    const repeated = next.last !== undefined && same(next.last, line);
    next = { ...next, attempt: Math.max(next.attempt, 1), last: { at: line.at, text: line.text }, repeats: repeated ? next.repeats + 1 : 1 };
  }
  return next;
}

/**
 * The tail of an archive of `bytes` from its last lines as read back (`fromStart`: all of them).
 * A range that does not reach back to the latest attempt's note is taken for `attempt`'s.
 */
export function archiveTailOf(lines: readonly ArchiveLine[], bytes: number, fromStart: boolean, attempt: number): ArchiveTail {
  const start: ArchiveTail = { ...emptyArchive, attempt: fromStart ? 0 : attempt };
  return { ...advance(start, lines), bytes };
}
