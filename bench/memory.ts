import { spawnBundle, type BundleProcess } from "./bundle-process.js";
import { runPool, sleep } from "./pool.js";
import { procMemory, type ProcMemory } from "./proc-stats.js";
import { runStatus, startRun } from "./service-client.js";
import { percentile } from "./stats.js";

export interface MemoryFigures {
  /** VmRSS after start and a settle, before any request: the median (nearest rank) of `idleRssSamples`. */
  idleRssBytes: number;
  /** One per fresh process. */
  idleRssSamples: number[];
  /** The private and the file-backed parts of the idle RSS of the median process. */
  idleAnonRssBytes: number;
  idleFileRssBytes: number;
  /** VmHWM once the burst is over: the most the process ever held resident. */
  peakRssBytes: number;
  /** VmRSS right after the burst. */
  afterBurstRssBytes: number;
  /** HTTP status → count of every answer in the burst. */
  burstAnswers: Record<string, number>;
}

export interface BurstShape {
  idleSamples: number;
  settleMs: number;
  statusRequests: number;
  statusConcurrency: number;
  triggers: number;
}

/**
 * Idle resident memory of `shape.idleSamples` fresh processes of `script`, then the peak of one
 * more through a burst. The burst sends the status requests (at a fixed concurrency) and the
 * triggers (one after the other) at the same time; each status request asks for the latest
 * accepted run. With one group, a trigger that finds the group still held is queued, and a status
 * read of a started run reads ARM, records its end and so lets the next queued run start. The
 * burst's process stays running for the caller, possibly with runs still queued.
 */
export async function measureMemory(script: string, env: Record<string, string>, shape: BurstShape): Promise<{ figures: MemoryFigures; service: BundleProcess }> {
  const idle: ProcMemory[] = [];
  for (let i = 0; i < shape.idleSamples; i++) {
    const fresh = await spawnBundle(script, env);
    try {
      await fresh.listening;
      await sleep(shape.settleMs);
      idle.push(procMemory(fresh.pid));
    } finally {
      await fresh.stop();
    }
  }

  const idleRssSamples = idle.map((m) => m.rssBytes);
  const typical = idle.find((m) => m.rssBytes === percentile(idleRssSamples, 50))!;

  const service = await spawnBundle(script, env);
  await service.listening;
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
  return {
    figures: {
      idleRssBytes: typical.rssBytes,
      idleRssSamples,
      idleAnonRssBytes: typical.anonRssBytes,
      idleFileRssBytes: typical.fileRssBytes,
      peakRssBytes: after.peakRssBytes,
      afterBurstRssBytes: after.rssBytes,
      burstAnswers: answers,
    },
    service,
  };
}
