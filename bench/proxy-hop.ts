import { performance } from "node:perf_hooks";
import { rowKeys } from "../service/store/row-keys.js";
import { openRunsTable } from "./table-client.js";

/**
 * What the counting proxy adds to one store call: the pool's counters read by the SDK in this
 * process straight from Azurite and through the proxy, alternately, `samples` times each after
 * `warmup`. The service's calls pass the same proxy, so a trigger's latency holds this once per
 * store call.
 */
export async function measureProxyHop(options: {
  connectionString: string;
  countedConnectionString: string;
  partition: string;
  warmup: number;
  samples: number;
}): Promise<{ directMs: number[]; proxiedMs: number[] }> {
  const direct = openRunsTable(options.connectionString);
  const proxied = openRunsTable(options.countedConnectionString);
  const result = { directMs: [] as number[], proxiedMs: [] as number[] };
  try {
    for (let i = 0; i < options.warmup + options.samples; i++) {
      const started = performance.now();
      await direct.client.getEntity(options.partition, rowKeys.counters);
      const between = performance.now();
      await proxied.client.getEntity(options.partition, rowKeys.counters);
      const ended = performance.now();
      if (i < options.warmup) continue;
      result.directMs.push(between - started);
      result.proxiedMs.push(ended - between);
    }
    return result;
  } finally {
    direct.close();
    proxied.close();
  }
}
