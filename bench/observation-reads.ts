import { performance } from "node:perf_hooks";
import { demoGroup, type Emulator } from "../emulator/index.js";
import { configNames } from "../service/config-names.js";
import { spawnBundle, type BundleProcess } from "./bundle-process.js";
import { groupPath, resourceGroup, subscriptionId } from "./fixture.js";
import { sleep } from "./pool.js";
import { startRun } from "./service-client.js";

export interface ObservationReadsPlan {
  /** Active groups, each running one long run. */
  groups: number;
  /** Service processes on one partition, e.g. 1 and 3. */
  processes: number[];
  reconcileIntervalMs: number;
  /** How long the reads are counted once every group runs. */
  windowMs: number;
}

/** With `processes` replicas: the ARM GETs of the active groups counted over `windowMs`. */
export interface ObservationReads {
  processes: number;
  reads: number;
  windowMs: number;
  readsPerSecond: number;
}

/**
 * ARM reads per second against the number of replicas. For each count, `plan.groups` idle groups
 * of their own and a partition of their own, served by that many bundle processes; one run of
 * ten minutes started on every group (through the first process). Once the emulator has a PUT on
 * every group, its GETs of those groups are counted over `plan.windowMs`, a few of the replicas'
 * watch leases (three reconcile intervals each), so hand-overs fall inside it.
 */
export async function measureObservationReads(options: {
  bundle: string;
  emulator: Emulator;
  /** The service's environment; its partition and pool are replaced. */
  serviceEnv: Record<string, string>;
  plan: ObservationReadsPlan;
}): Promise<ObservationReads[]> {
  const { emulator, plan } = options;
  const results: ObservationReads[] = [];
  for (const processes of plan.processes) {
    const groups = Array.from({ length: plan.groups }, (_, i) => `job-watch-${processes}-${i + 1}`);
    for (const name of groups) emulator.putGroup(subscriptionId, resourceGroup, name, demoGroup(), { terminated: true });
    const paths = new Set(groups.map(groupPath));
    const onGroups = (method: string) => emulator.requests.filter((request) => request.method === method && paths.has(request.path)).length;
    const { [configNames.containerGroup]: _single, ...env } = options.serviceEnv;
    const replicas: BundleProcess[] = [];
    try {
      for (let i = 0; i < processes; i++) {
        replicas.push(
          await spawnBundle(options.bundle, {
            ...env,
            [configNames.storagePartition]: `benchwatch${processes}`,
            [configNames.containerGroups]: groups.join(","),
            [configNames.reconcileIntervalMs]: String(plan.reconcileIntervalMs),
          }),
        );
      }
      await Promise.all(replicas.map((replica) => replica.listening));
      for (let i = 0; i < plan.groups; i++) {
        const run = await startRun(replicas[0]!.url, { EMULATOR_RUN_MS: "600000", BENCH_WATCH: String(i) });
        if (run.status !== 202) throw new Error(`POST /runs answered ${run.status} in the observation phase`);
      }
      const deadline = performance.now() + 30_000;
      while (onGroups("PUT") < plan.groups) {
        if (performance.now() > deadline) throw new Error(`${plan.groups} runs were not all PUT within 30 s`);
        await sleep(50);
      }
      const before = onGroups("GET");
      const started = performance.now();
      await sleep(plan.windowMs);
      const reads = onGroups("GET") - before;
      const windowMs = performance.now() - started;
      results.push({ processes, reads, windowMs, readsPerSecond: reads / (windowMs / 1000) });
    } finally {
      for (const replica of replicas) await replica.stop();
    }
  }
  return results;
}
