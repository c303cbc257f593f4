/**
 * The part of `current` not in `seen`, where both are whole answers of the logs route taken one
 * after the other. The log normally grows at its end; when the service keeps only a window of a
 * long log, the start of `seen` is gone from `current`, and the new part begins after the longest
 * end of `seen` that `current` starts with. An answer that is a prefix of `seen` (a log served
 * late) adds nothing; one sharing nothing with it is all new.
 */
export function unseenText(seen: string, current: string): string {
  if (current.startsWith(seen)) return current.slice(seen.length);
  if (seen.startsWith(current)) return "";
  const firstLineEnd = current.indexOf("\n");
  const head = firstLineEnd < 0 ? current : current.slice(0, firstLineEnd + 1);
  for (let at = seen.indexOf(head); at >= 0; at = seen.indexOf(head, at + 1)) {
    if (current.startsWith(seen.slice(at))) return current.slice(seen.length - at);
  }
  return current;
}

/** The last `lines` lines of `text` (a trailing newline ends the last line, it does not start another). */
export function lastLines(text: string, lines: number): string {
  const parts = text.split(/(?<=\n)/);
  return parts.slice(Math.max(parts.length - lines, 0)).join("");
}

/** Turns successive whole log answers into the text to print: whole lines while the run is active, the rest once it ended. */
export interface LogFollower {
  /** What to print after `current` arrived; `final` when it is the run's last answer. */
  next(current: string, final: boolean): string;
}

/**
 * A follower that has already shown `seen` (empty, or the whole log whose tail was printed).
 * A line is held back until its newline arrives, so a spinner redrawn after it never lands in
 * the middle of a line.
 */
export function logFollower(seen = ""): LogFollower {
  let pending = "";
  return {
    next(current, final) {
      const fresh = unseenText(seen, current);
      if (!(seen.startsWith(current) && fresh === "")) seen = current;
      pending += fresh;
      const cut = final ? pending.length : pending.lastIndexOf("\n") + 1;
      const out = pending.slice(0, cut);
      pending = pending.slice(cut);
      return out;
    },
  };
}
