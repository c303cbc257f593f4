import type { BundleProcess } from "./bundle-process.js";
import { runPool, sleep } from "./pool.js";
import { procMemory } from "./proc-stats.js";
import { runStatus, startRun } from "./service-client.js";

export interface MemoryFigures {
  /** VmRSS after start and a settle, before any request. */
  idleRssBytes: number;
  /** VmHWM once the burst is over: the most the process ever held resident. */
  peakRssBytes: number;
  /** VmRSS right after the burst. */
  afterBurstRssBytes: number;
  /** HTTP status → count of every answer in the burst. */
  burstAnswers: Record<string, number>;
}

export interface BurstShape {
  settleMs: number;
  statusRequests: number;
  statusConcurrency: number;
  triggers: number;
}

/**
 * Idle and peak resident memory of a fresh service process. The burst sends the status requests
 * (at a fixed concurrency) and the triggers (one after the other: the service serializes them
 * anyway) at the same time; each status request asks for the latest accepted run, so it answers
 * 200, or 410 when a trigger replaced that run meanwhile: a full ARM read either way.
 */
export async function measureMemory(service: BundleProcess, shape: BurstShape): Promise<MemoryFigures> {
  await service.listening;
  await sleep(shape.settleMs);
  const idleRssBytes = procMemory(service.pid).rssBytes;

  const answers: Record<string, number> = {};
  const count = (status: number) => void (answers[status] = (answers[status] ?? 0) + 1);
  const first = await startRun(service.url, { BENCH_BURST: "first" });
  count(first.status);
  if (!first.id) throw new Error(`the first run of the burst answered ${first.status}`);
  let current = first.id;
  await Promise.all([
    runPool(shape.statusRequests, shape.statusConcurrency, async () => count(await runStatus(service.url, current).catch(() => 0))),
    runPool(shape.triggers - 1, 1, async (i) => {
      const run = await startRun(service.url, { BENCH_BURST: String(i) }).catch(() => ({ status: 0, id: undefined }));
      count(run.status);
      if (run.id) current = run.id;
    }),
  ]);
  const after = procMemory(service.pid);
  return { idleRssBytes, peakRssBytes: after.peakRssBytes, afterBurstRssBytes: after.rssBytes, burstAnswers: answers };
}
