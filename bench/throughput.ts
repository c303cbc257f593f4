import { performance } from "node:perf_hooks";
import type { BundleProcess } from "./bundle-process.js";
import { runPool } from "./pool.js";
import { procCpuMs } from "./proc-stats.js";
import { runStatus, startRun } from "./service-client.js";

export interface ThroughputFigures {
  requests: number;
  concurrency: number;
  durationMs: number;
  requestsPerSecond: number;
  /** Answers other than 200, and requests that failed outright. */
  errors: number;
  latenciesMs: number[];
  /** CPU time of the service process per status request (user + system). */
  serviceCpuMsPerRequest: number;
}

/**
 * `requests` GET /runs/{id} of one current run at a fixed concurrency, after `warmup` more.
 * Each status is one ARM read, so the figure includes the emulator's share of this machine.
 */
export async function measureThroughput(service: BundleProcess, options: { requests: number; concurrency: number; warmup: number }): Promise<ThroughputFigures> {
  const run = await startRun(service.url, { BENCH_THROUGHPUT: "1" });
  if (!run.id) throw new Error(`the throughput run answered ${run.status}`);
  const id = run.id;
  await runPool(options.warmup, options.concurrency, async () => void (await runStatus(service.url, id)));

  const latenciesMs: number[] = [];
  let errors = 0;
  const cpuBefore = procCpuMs(service.pid);
  const started = performance.now();
  await runPool(options.requests, options.concurrency, async () => {
    const sent = performance.now();
    const status = await runStatus(service.url, id).catch(() => 0);
    latenciesMs.push(performance.now() - sent);
    if (status !== 200) errors++;
  });
  const durationMs = performance.now() - started;
  const cpuMs = procCpuMs(service.pid) - cpuBefore;
  return {
    requests: options.requests,
    concurrency: options.concurrency,
    durationMs,
    requestsPerSecond: (options.requests * 1000) / durationMs,
    errors,
    latenciesMs,
    serviceCpuMsPerRequest: cpuMs / options.requests,
  };
}
