import { performance } from "node:perf_hooks";
import { spawnBundle } from "./bundle-process.js";
import { sleep } from "./pool.js";
import { healthz, startRun } from "./service-client.js";

export interface ColdStartSample {
  /** Spawn to the first 200 from /healthz. */
  healthzMs: number;
  /** Spawn to the "listening" log line reaching the bench. */
  listeningLogMs: number;
  /** Spawn to the 202 of the first POST /runs, sent right after /healthz answered. */
  firstRunMs: number;
}

const pollEveryMs = 5;

/** Polls /healthz every 5 ms; resolves with performance.now() of the first 200. */
export async function untilHealthy(baseUrl: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await healthz(baseUrl)) === 200) return performance.now();
    await sleep(pollEveryMs);
  }
  throw new Error(`${baseUrl}/healthz did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Spawns the bundle `count` times, one after the other, each a fresh process with a fresh token
 * cache and no open connection: what a Container App scaled to zero pays on its first request.
 * `envFor(i)` gives each its environment: a partition of its own keeps the first run of one spawn
 * from finding its group still held by the run of the spawn before.
 */
export async function measureColdStarts(bundle: string, envFor: (sample: number) => Record<string, string>, count: number): Promise<ColdStartSample[]> {
  const samples: ColdStartSample[] = [];
  for (let i = 0; i < count; i++) {
    const proc = await spawnBundle(bundle, envFor(i));
    try {
      const healthyAt = await untilHealthy(proc.url, 15_000);
      const run = await startRun(proc.url, { BENCH_COLD_START: String(i) });
      const acceptedAt = performance.now();
      if (run.status !== 202) throw new Error(`the first run of a cold process answered ${run.status}:\n${proc.stderr()}`);
      if (run.state === "queued") throw new Error("the first run of a cold process was queued: its group was not free");
      const listenedAt = await proc.listening;
      samples.push({
        healthzMs: healthyAt - proc.spawnedAt,
        listeningLogMs: listenedAt - proc.spawnedAt,
        firstRunMs: acceptedAt - proc.spawnedAt,
      });
    } finally {
      await proc.stop();
    }
  }
  return samples;
}
