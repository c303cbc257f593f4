import { performance } from "node:perf_hooks";
import { demoGroup, type Emulator, type RecordedRequest } from "../emulator/index.js";
import { configNames } from "../service/config-names.js";
import { runIdTagName } from "../service/core/carried-run.js";
import { isTerminal, type RunView } from "../service/core/run.js";
import { stampArrivals } from "./arrivals.js";
import { spawnBundle } from "./bundle-process.js";
import { groupPath, resourceGroup, subscriptionId } from "./fixture.js";
import { sleep } from "./pool.js";
import { poolFigures, type PoolFigures, type PoolPut, type PoolRead } from "./pool-figures.js";
import { listRuns, startRun } from "./service-client.js";

export interface PoolPlan {
  groups: number;
  runs: number;
  runMs: number;
  reconcileIntervalMs: number;
}

export interface PoolMeasurement extends PoolFigures {
  /** How the runs ended, status → count (all succeeded, when nothing went wrong). */
  statuses: Record<string, number>;
}

/**
 * `plan.runs` runs of `plan.runMs` each (EMULATOR_RUN_MS in the run's env) sent one after the
 * other to a service whose pool has `plan.groups` idle groups, a queue large enough for all of
 * them, and a reconcile loop every `plan.reconcileIntervalMs`. Once every run has ended, the
 * makespan runs from the first POST sent to the last run's `finishedAt` (the end ARM reported),
 * and each dispatch latency from a run's `finishedAt` to the arrival at the emulator of the next
 * PUT on the same group (its `trigger-run-id` tag names the run). Both ends of every interval
 * are this machine's wall clock: the emulator runs in this process.
 */
export async function measurePoolMakespan(options: {
  bundle: string;
  emulator: Emulator;
  serviceEnv: Record<string, string>;
  plan: PoolPlan;
}): Promise<PoolMeasurement> {
  const { emulator, plan } = options;
  const groups = Array.from({ length: plan.groups }, (_, i) => `job-pool-${i + 1}`);
  for (const name of groups) emulator.putGroup(subscriptionId, resourceGroup, name, demoGroup(), { terminated: true });
  const { [configNames.containerGroup]: _single, ...env } = options.serviceEnv;
  const service = await spawnBundle(options.bundle, {
    ...env,
    [configNames.containerGroups]: groups.join(","),
    [configNames.maxQueued]: String(plan.runs),
    [configNames.reconcileIntervalMs]: String(plan.reconcileIntervalMs),
  });
  const stamps = stampArrivals(emulator.requests);
  try {
    await service.listening;
    const submittedAtMs = Date.now();
    for (let i = 0; i < plan.runs; i++) {
      const run = await startRun(service.url, { EMULATOR_RUN_MS: String(plan.runMs), BENCH_POOL: String(i) });
      if (run.status !== 202) throw new Error(`POST /runs answered ${run.status} in the pool phase`);
    }
    const paths = new Map(groups.map((name) => [groupPath(name), name]));
    const deadline = performance.now() + 60_000;
    // Listing a hundred runs costs the service and Azurite more than a dispatch: the list is
    // polled only once every run was sent, so the bench's own requests stay off the two cores
    // while the pool works.
    while (emulator.requests.filter((request) => request.method === "PUT" && paths.has(request.path)).length < plan.runs) {
      if (performance.now() > deadline) throw new Error("the pool's runs were not all sent within 60 s");
      await sleep(20);
    }
    let runs: RunView[] = [];
    do {
      if (performance.now() > deadline) throw new Error("the pool's runs did not all end within 60 s");
      await sleep(100);
      runs = (await listRuns(service.url, { limit: String(plan.runs) })).runs;
    } while (runs.length < plan.runs || !runs.every((run) => isTerminal(run.status)));

    const { puts, reads } = poolTraffic(emulator.requests, stamps.arrivals, paths);
    const statuses: Record<string, number> = {};
    for (const run of runs) statuses[run.status] = (statuses[run.status] ?? 0) + 1;
    const figures = poolFigures({
      submittedAtMs,
      runMs: plan.runMs,
      groups: plan.groups,
      runs: runs.map((run) => ({ id: run.id, group: run.group ?? "", finishedAtMs: Date.parse(run.finishedAt ?? "") })),
      puts,
      reads,
    });
    return { ...figures, statuses };
  } finally {
    stamps.restore();
    await service.stop();
  }
}

/** The PUTs (with the run each carries) and GETs of the pool's groups (`paths`: path → group), each when it arrived. */
export function poolTraffic(requests: readonly RecordedRequest[], arrivals: ReadonlyMap<RecordedRequest, number>, paths: ReadonlyMap<string, string>): { puts: PoolPut[]; reads: PoolRead[] } {
  const puts: PoolPut[] = [];
  const reads: PoolRead[] = [];
  for (const request of requests) {
    const group = paths.get(request.path);
    const atMs = arrivals.get(request);
    if (!group || atMs === undefined) continue;
    if (request.method === "GET") reads.push({ group, atMs });
    const runId = request.method === "PUT" ? (request.body as { tags?: Record<string, string> } | undefined)?.tags?.[runIdTagName] : undefined;
    if (runId) puts.push({ runId, group, atMs });
  }
  return { puts, reads };
}
