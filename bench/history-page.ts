import { odata } from "@azure/data-tables";
import { performance } from "node:perf_hooks";
import { rowKeys } from "../service/store/row-keys.js";
import { spawnBundle, type BundleProcess } from "./bundle-process.js";
import { seedEndedRuns } from "./seed-runs.js";
import { listRuns } from "./service-client.js";
import { openRunsTable } from "./table-client.js";

export interface HistoryPageSamples {
  /** Stored runs of the small and the large history. */
  sizes: { small: number; large: number };
  /** Milliseconds of each GET /runs?limit=<pageSize> through the bundle, request sent to body read. */
  serviceMs: { small: number[]; large: number[] };
  /** The same newest page asked of Azurite by the SDK in this process ($top = page + 1): the store's own share. */
  storeMs: { small: number[]; large: number[] };
  /** Milliseconds to seed the large history. */
  seedMs: number;
}

export interface HistoryPagePlan {
  small: number;
  large: number;
  pageSize: number;
  warmup: number;
  samples: number;
}

async function timed(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
}

/**
 * Newest-page latency against the size of the history: two partitions of ended runs, `small` and
 * `large` of them, seeded in-process, each served by a bundle process of its own; then GET
 * /runs?limit=<pageSize> alternately to one and the other (drift hits both alike), each answer
 * checked to be a full page with a cursor. Beside each, the same newest-page query sent to
 * Azurite directly, to tell the store's time from the service's.
 */
export async function measureHistoryPages(options: {
  bundle: string;
  serviceEnv: Record<string, string>;
  storageEnv: (partition: string) => Record<string, string>;
  connectionString: string;
  group: string;
  plan: HistoryPagePlan;
}): Promise<HistoryPageSamples> {
  const { plan } = options;
  const table = openRunsTable(options.connectionString);
  const { client } = table;
  const partitions = { small: `bench-history-${plan.small}`, large: `bench-history-${plan.large}` };
  const services: BundleProcess[] = [];
  try {
    const newestMs = Date.now();
    await seedEndedRuns(client, partitions.small, options.group, plan.small, newestMs);
    const seedStarted = performance.now();
    await seedEndedRuns(client, partitions.large, options.group, plan.large, newestMs);
    const seedMs = performance.now() - seedStarted;

    for (const partition of [partitions.small, partitions.large]) {
      const service = await spawnBundle(options.bundle, { ...options.serviceEnv, ...options.storageEnv(partition) });
      services.push(service);
      await service.listening;
    }
    const [small, large] = services as [BundleProcess, BundleProcess];
    const page = async (service: BundleProcess) => {
      const { runs, nextCursor } = await listRuns(service.url, { limit: String(plan.pageSize) });
      if (runs.length !== plan.pageSize || nextCursor === null) throw new Error(`GET /runs gave ${runs.length} runs, cursor ${String(nextCursor)}`);
    };
    const storePage = async (partition: string) => {
      const [from, to] = rowKeys.runRange;
      const filter = odata`PartitionKey eq ${partition} and RowKey gt ${from} and RowKey lt ${to}`;
      const pages = client.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: plan.pageSize + 1 });
      const first = await pages.next();
      if (first.done || first.value.length !== plan.pageSize + 1) throw new Error("Azurite's newest page is not full");
    };

    const result: HistoryPageSamples = { sizes: { small: plan.small, large: plan.large }, serviceMs: { small: [], large: [] }, storeMs: { small: [], large: [] }, seedMs };
    for (let i = 0; i < plan.warmup + plan.samples; i++) {
      const smallMs = await timed(() => page(small));
      const largeMs = await timed(() => page(large));
      const smallStoreMs = await timed(() => storePage(partitions.small));
      const largeStoreMs = await timed(() => storePage(partitions.large));
      if (i < plan.warmup) continue;
      result.serviceMs.small.push(smallMs);
      result.serviceMs.large.push(largeMs);
      result.storeMs.small.push(smallStoreMs);
      result.storeMs.large.push(largeStoreMs);
    }
    return result;
  } finally {
    for (const service of services) await service.stop();
    table.close();
  }
}
