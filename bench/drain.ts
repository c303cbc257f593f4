import { performance } from "node:perf_hooks";
import { isTerminal } from "../service/core/run.js";
import { sleep } from "./pool.js";
import { listRuns, readRun } from "./service-client.js";

/**
 * Returns once the service holds no queued, starting or running run. Each round reads every
 * started run: the read records its end (the emulator's runs end at once) and frees its group,
 * which kicks the reconcile loop into dispatching the next queued run. A service whose loop runs
 * only when kicked thus drains its queue without waiting for the loop's interval.
 */
export async function drainRuns(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const started = [
      ...(await listRuns(baseUrl, { status: "starting", limit: "100" })).runs,
      ...(await listRuns(baseUrl, { status: "running", limit: "100" })).runs,
    ];
    const unfinished = (await Promise.all(started.map((run) => readRun(baseUrl, run.id)))).filter((run) => !isTerminal(run.status));
    const queued = (await listRuns(baseUrl, { status: "queued", limit: "1" })).runs;
    if (started.length === 0 && queued.length === 0) return;
    if (performance.now() > deadline) {
      throw new Error(`the service still had started (${started.length}) or queued (${queued.length}) runs after ${timeoutMs} ms`);
    }
    if (started.length === 0 || unfinished.length > 0) await sleep(2);
  }
}
