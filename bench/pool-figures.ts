/** A run of the pool as the service finally reports it. */
export interface PoolRun {
  id: string;
  group: string;
  /** The run's end as ARM reported it (the service's `finishedAt`), in epoch milliseconds. */
  finishedAtMs: number;
}

/** A PUT the emulator received: the run its `trigger-run-id` tag names, on which group, when. */
export interface PoolPut {
  runId: string;
  group: string;
  atMs: number;
}

export interface PoolFigures {
  runs: number;
  groups: number;
  puts: number;
  /** First POST sent to the last run's end. */
  makespanMs: number;
  /** First POST sent to the first PUT: what even a perfect pool pays once. */
  firstDispatchMs: number;
  /** ceil(runs / groups) back-to-back runs of `runMs` on every group, plus `firstDispatchMs`. */
  idealMs: number;
  ratio: number;
  /** For each group, from the end of each of its runs to the arrival of its next PUT. */
  dispatchLatenciesMs: number[];
  /**
   * Each dispatch latency cut at the first ARM read of the group at or after the run's end: the
   * wait for a pass to read the group (`endToReadMs`), and that pass's path from the read to the
   * next PUT (`readToPutMs`). Empty when no reads were given.
   */
  endToReadMs: number[];
  readToPutMs: number[];
}

/** An ARM read (GET) of a group the emulator received, and when. */
export interface PoolRead {
  group: string;
  atMs: number;
}

/**
 * How close a pool came to keeping every group busy: the makespan against the ideal, and each
 * gap a group sat idle between the end of one run and the PUT of the next. Throws when the
 * record is inconsistent (a PUT for a run the service does not report, or on another group).
 */
export function poolFigures(input: { submittedAtMs: number; runMs: number; groups: number; runs: readonly PoolRun[]; puts: readonly PoolPut[]; reads?: readonly PoolRead[] }): PoolFigures {
  const { runs, puts } = input;
  if (runs.length === 0 || puts.length === 0) throw new Error("a pool measurement needs runs and PUTs");
  const unended = runs.find((run) => !Number.isFinite(run.finishedAtMs));
  if (unended) throw new Error(`run ${unended.id} has no end`);
  const byId = new Map(runs.map((run) => [run.id, run]));
  for (const put of puts) {
    const run = byId.get(put.runId);
    if (!run) throw new Error(`a PUT carried run ${put.runId}, which the service does not report`);
    if (run.group !== put.group) throw new Error(`run ${put.runId} was PUT on ${put.group} but reported on ${run.group}`);
  }
  const dispatchLatenciesMs: number[] = [];
  const endToReadMs: number[] = [];
  const readToPutMs: number[] = [];
  const perGroup = new Map<string, PoolPut[]>();
  for (const put of puts) perGroup.set(put.group, [...(perGroup.get(put.group) ?? []), put]);
  for (const [group, groupPuts] of perGroup) {
    const ordered = [...groupPuts].sort((a, b) => a.atMs - b.atMs);
    const reads = (input.reads ?? []).filter((read) => read.group === group).map((read) => read.atMs);
    for (let i = 1; i < ordered.length; i++) {
      const previous = byId.get(ordered[i - 1]!.runId)!;
      const next = ordered[i]!.atMs;
      dispatchLatenciesMs.push(next - previous.finishedAtMs);
      const seen = reads.filter((at) => at >= previous.finishedAtMs && at <= next);
      if (seen.length > 0) {
        endToReadMs.push(Math.min(...seen) - previous.finishedAtMs);
        readToPutMs.push(next - Math.min(...seen));
      }
    }
  }
  const firstDispatchMs = Math.min(...puts.map((put) => put.atMs)) - input.submittedAtMs;
  const makespanMs = Math.max(...runs.map((run) => run.finishedAtMs)) - input.submittedAtMs;
  const idealMs = Math.ceil(runs.length / input.groups) * input.runMs + firstDispatchMs;
  return {
    runs: runs.length,
    groups: input.groups,
    puts: puts.length,
    makespanMs,
    firstDispatchMs,
    idealMs,
    ratio: makespanMs / idealMs,
    dispatchLatenciesMs,
    endToReadMs,
    readToPutMs,
  };
}
