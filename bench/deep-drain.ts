import { performance } from "node:perf_hooks";
import { demoGroup, type Emulator } from "../emulator/index.js";
import { configNames } from "../service/config-names.js";
import { runIdTagName } from "../service/core/carried-run.js";
import { createTableRunStore } from "../service/store/table-run-store.js";
import { stampArrivals } from "./arrivals.js";
import { spawnBundle, type BundleProcess } from "./bundle-process.js";
import { groupPath, resourceGroup, subscriptionId } from "./fixture.js";
import { sleep } from "./pool.js";
import { seedQueuedRuns } from "./seed-runs.js";
import { openRunsTable } from "./table-client.js";

export interface DeepDrainPlan {
  queued: number;
  groups: number;
  processes: number;
  reconcileIntervalMs: number;
}

export interface DeepDrain {
  plan: DeepDrainPlan;
  seedMs: number;
  /** From the processes' start to the last run's PUT. */
  drainMs: number;
  puts: number;
  /** PUTs that carried a run already PUT before (must be none). */
  repeatedPuts: number;
  /** Queued runs that never got a PUT (must be none). */
  unsent: number;
  /** Pairs of runs, adjacent in acceptance order, whose claims (`claimedAt`) came in the other order (must be none). */
  claimInversions: number;
  /**
   * PUTs that reached the emulator after the PUT of a run accepted later: claims committed in
   * order whose PUTs, sent side by side (by one pass or by different processes), overtook each other.
   */
  putInversions: number;
  /** The most places a PUT arrived ahead of its run's place in acceptance order. */
  putLeadMax: number;
  /** PUTs per process, as each process's "run dispatched" log lines count them. */
  perProcess: number[];
  /** Warnings "reconcile pass failed" in all processes' logs (a lost race reported as an outage; must be none). */
  passFailures: number;
}

/**
 * The drain: `queued` runs seeded into the queue of a partition of their own, a pool of
 * `groups` idle groups, and `processes` service processes started at once, straight to Azurite.
 * The emulator ends every run the moment it starts, so the drain measures dispatch alone. Once
 * every run was PUT, the processes stop and the store is read: each run's `claimedAt` against its
 * acceptance order (`seq`), and the emulator's PUTs in arrival order.
 */
export async function measureDeepDrain(options: { bundle: string; emulator: Emulator; serviceEnv: Record<string, string>; connectionString: string; plan: DeepDrainPlan }): Promise<DeepDrain> {
  const { emulator, plan } = options;
  const partition = `benchdrain${Date.now()}`;
  const groups = Array.from({ length: plan.groups }, (_, i) => `job-drain-${i + 1}`);
  for (const name of groups) emulator.putGroup(subscriptionId, resourceGroup, name, demoGroup(), { terminated: true });
  const table = openRunsTable(options.connectionString);
  const store = createTableRunStore({ client: table.client, partition });
  try {
    const seedStarted = performance.now();
    await store.prepare(groups);
    await seedQueuedRuns(table.client, partition, plan.queued, Date.now() - 3_600_000);
    const seedMs = performance.now() - seedStarted;
    const head = await store.queueHead();
    if (!head) throw new Error("the seeded queue has no head");

    const paths = new Set(groups.map(groupPath));
    const putRuns: string[] = [];
    const stamps = stampArrivals(emulator.requests, (request) => {
      const runId = (request.body as { tags?: Record<string, string> } | undefined)?.tags?.[runIdTagName];
      if (request.method === "PUT" && paths.has(request.path) && runId) putRuns.push(runId);
    });
    const { [configNames.containerGroup]: _single, ...env } = options.serviceEnv;
    const services: BundleProcess[] = [];
    const lines: string[][] = [];
    let drainMs: number;
    try {
      const started = performance.now();
      for (let i = 0; i < plan.processes; i++) {
        const service = await spawnBundle(options.bundle, {
          ...env,
          [configNames.storageConnectionString]: options.connectionString,
          [configNames.storagePartition]: partition,
          [configNames.containerGroups]: groups.join(","),
          [configNames.maxQueued]: String(plan.queued),
          [configNames.reconcileIntervalMs]: String(plan.reconcileIntervalMs),
          LOG_LEVEL: "info",
        });
        const own: string[] = [];
        lines.push(own);
        service.child.stdout!.on("data", (chunk: Buffer) => own.push(...chunk.toString().split("\n")));
        services.push(service);
      }
      const deadline = performance.now() + 30 * 60_000;
      while (new Set(putRuns).size < plan.queued) {
        if (performance.now() > deadline) throw new Error(`${new Set(putRuns).size} of ${plan.queued} runs were sent within 30 minutes`);
        await sleep(50);
      }
      drainMs = performance.now() - started;
    } finally {
      stamps.restore();
      await Promise.all(services.map((service) => service.stop()));
    }

    const seqOf = new Map<string, number>();
    const claimedAt = new Map<number, number>();
    for await (const entity of table.client.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${partition}' and RowKey ge 'r|' and RowKey lt 'r}'`, select: ["id", "seq", "claimedAt"] } })) {
      seqOf.set(String(entity["id"]), Number(entity["seq"]));
      if (typeof entity["claimedAt"] === "string") claimedAt.set(Number(entity["seq"]), Date.parse(entity["claimedAt"]));
    }
    const first = seqOf.get(head.runId) ?? 0;
    let claimInversions = 0;
    for (let seq = first + 1; seq < first + plan.queued; seq++) {
      if ((claimedAt.get(seq) ?? Infinity) < (claimedAt.get(seq - 1) ?? -Infinity)) claimInversions += 1;
    }
    let putInversions = 0;
    let putLeadMax = 0;
    let newest = -Infinity;
    putRuns.forEach((runId, place) => {
      const seq = seqOf.get(runId) ?? 0;
      if (seq < newest) putInversions += 1;
      newest = Math.max(newest, seq);
      putLeadMax = Math.max(putLeadMax, place - (seq - first));
    });
    const sent = new Set(putRuns);
    const all = lines.flat();
    return {
      plan,
      seedMs,
      drainMs,
      puts: putRuns.length,
      repeatedPuts: putRuns.length - sent.size,
      unsent: [...seqOf.keys()].filter((id) => !sent.has(id)).length,
      claimInversions,
      putInversions,
      putLeadMax,
      perProcess: lines.map((own) => own.filter((line) => line.includes('"msg":"run dispatched"')).length),
      passFailures: all.filter((line) => line.includes('"msg":"reconcile pass failed"')).length,
    };
  } finally {
    table.close();
  }
}
