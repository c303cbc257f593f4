const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/**
 * Milliseconds of a duration such as `90`, `90s`, `500ms`, `10m` or `2h` (a bare number is
 * seconds); undefined when `text` is none of these or not positive.
 */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * units[match[2] ?? "s"]!;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** A short human duration in whole seconds: `0s`, `42s`, `3m 05s`, `2h 01m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
