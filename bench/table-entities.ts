/**
 * How many entities one Azure Tables response carried: a query's page answers `{ value: [...] }`,
 * a point read answers the entity itself; anything else (a batch's multipart answer, an empty
 * 204, an error) carried none the service reads as rows.
 */
export function entitiesInResponse(contentType: string | undefined, body: string): number {
  if (!contentType?.includes("json") || body.length === 0) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 0;
  }
  if (typeof parsed !== "object" || parsed === null) return 0;
  const value = (parsed as { value?: unknown }).value;
  if (Array.isArray(value)) return value.length;
  return "PartitionKey" in parsed && "RowKey" in parsed ? 1 : 0;
}

/** The count of every window between consecutive marks: marks are running totals at each boundary. */
export function windowCounts(marks: readonly number[]): number[] {
  return marks.slice(1).map((mark, i) => mark - marks[i]!);
}

/**
 * How long within [fromMs, toMs) at least one of `intervals` was open: the time a caller spent
 * waiting on the store, counting requests that overlapped once. Unfinished intervals count to `toMs`.
 */
export function busyMs(intervals: readonly { startedAtMs: number; endedAtMs: number }[], fromMs: number, toMs: number): number {
  const clipped = intervals
    .map((i) => [Math.max(i.startedAtMs, fromMs), Math.min(Number.isNaN(i.endedAtMs) ? toMs : i.endedAtMs, toMs)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let reached = fromMs;
  for (const [start, end] of clipped) {
    if (end <= reached) continue;
    busy += end - Math.max(start, reached);
    reached = end;
  }
  return busy;
}
