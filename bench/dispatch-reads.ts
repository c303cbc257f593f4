import { performance } from "node:perf_hooks";
import { demoGroup, type Emulator } from "../emulator/index.js";
import { configNames } from "../service/config-names.js";
import { createTableRunStore } from "../service/store/table-run-store.js";
import { stampArrivals } from "./arrivals.js";
import { spawnBundle } from "./bundle-process.js";
import type { CountingProxy } from "./counting-proxy.js";
import { groupPath, resourceGroup, subscriptionId } from "./fixture.js";
import { sleep } from "./pool.js";
import { seedQueuedRuns } from "./seed-runs.js";
import { storeCallKind } from "./store-calls.js";
import { busyMs, windowCounts } from "./table-entities.js";
import { openRunsTable } from "./table-client.js";

export interface DispatchReadsPlan {
  /** Queue lengths to compare, e.g. 10 and 10,000. */
  queued: number[];
  /** Dispatches measured at each length, after the first (which also pays the service's start). */
  dispatches: number;
  reconcileIntervalMs: number;
  /** Told apart from another measurement's partitions in the same Azurite; default none. */
  partitionPrefix?: string;
}

/** At one queue length, for each window between one PUT and the next: what the service did. */
export interface DispatchReads {
  queued: number;
  entities: number[];
  requests: number[];
  /** The window's length: one whole dispatch cycle. */
  cycleMs: number[];
  /** How much of it at least one table request was in flight. */
  storeMs: number[];
  /** ARM requests in it (the observing GET, the PUT). */
  armRequests: number[];
  /** The table requests of all windows by kind (query, read, batch, put...). */
  storeCalls: Record<string, number>;
  seedMs: number;
}

/**
 * Table reads per dispatch against the length of the queue. For each length, a partition with
 * that many queued runs (seeded in-process) and one idle group, served by a bundle process whose
 * table requests pass the counting proxy. The emulator ends every run at once, so each pass of
 * the loop observes the last run's end and dispatches the next head: the entities the proxy saw
 * between one PUT's arrival and the next are what one dispatch cycle reads (observe, end,
 * claim the head, PUT), and how much of the window a table request was in flight says where a
 * dispatch's time goes. The window before the first PUT (the service's start) is left out.
 */
export async function measureDispatchReads(options: {
  bundle: string;
  emulator: Emulator;
  tableProxy: CountingProxy;
  /** The service's environment, its store behind `tableProxy`; its partition is replaced. */
  serviceEnv: Record<string, string>;
  directConnectionString: string;
  plan: DispatchReadsPlan;
}): Promise<DispatchReads[]> {
  const { emulator, tableProxy, plan } = options;
  const results: DispatchReads[] = [];
  for (const queued of plan.queued) {
    const partition = `benchqueue${plan.partitionPrefix ?? ""}${queued}`;
    const group = `job-queue-${plan.partitionPrefix ?? ""}${queued}`;
    emulator.putGroup(subscriptionId, resourceGroup, group, demoGroup(), { terminated: true });
    const table = openRunsTable(options.directConnectionString);
    const seedStarted = performance.now();
    try {
      await createTableRunStore({ client: table.client, partition }).prepare([group]);
      // An hour old: past no retention, so the service's first prune finds nothing to delete.
      await seedQueuedRuns(table.client, partition, queued, Date.now() - 3_600_000);
    } finally {
      table.close();
    }
    const seedMs = performance.now() - seedStarted;

    const entityMarks: number[] = [];
    const requestMarks: number[] = [];
    const timeMarks: number[] = [];
    const armMarks: number[] = [];
    const path = groupPath(group);
    const stamps = stampArrivals(emulator.requests, (request) => {
      if (request.method !== "PUT" || request.path !== path) return;
      entityMarks.push(tableProxy.entitiesRead());
      requestMarks.push(tableProxy.requests.length);
      timeMarks.push(Date.now());
      armMarks.push(emulator.requests.length);
    });
    const { [configNames.containerGroup]: _single, ...env } = options.serviceEnv;
    const service = await spawnBundle(options.bundle, {
      ...env,
      [configNames.storagePartition]: partition,
      [configNames.containerGroups]: group,
      [configNames.reconcileIntervalMs]: String(plan.reconcileIntervalMs),
    });
    try {
      await service.listening;
      const deadline = performance.now() + 30_000;
      while (entityMarks.length < plan.dispatches + 1) {
        if (performance.now() > deadline) throw new Error(`${plan.dispatches + 1} dispatches of ${queued} queued runs did not happen within 30 s`);
        await sleep(20);
      }
    } finally {
      stamps.restore();
      await service.stop();
    }
    const marks = { entities: entityMarks.slice(0, plan.dispatches + 1), requests: requestMarks.slice(0, plan.dispatches + 1), times: timeMarks.slice(0, plan.dispatches + 1), arm: armMarks.slice(0, plan.dispatches + 1) };
    const cycle = tableProxy.requests.slice(marks.requests[0], marks.requests.at(-1));
    const storeCalls: Record<string, number> = {};
    for (const call of cycle) storeCalls[storeCallKind(call)] = (storeCalls[storeCallKind(call)] ?? 0) + 1;
    const storeMs = marks.times.slice(1).map((end, i) => busyMs(cycle, marks.times[i]!, end));
    results.push({ queued, entities: windowCounts(marks.entities), requests: windowCounts(marks.requests), cycleMs: windowCounts(marks.times), storeMs, armRequests: windowCounts(marks.arm), storeCalls, seedMs });
  }
  return results;
}
