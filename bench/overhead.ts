import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Emulator } from "../emulator/index.js";
import { isTerminal } from "../service/core/run.js";
import type { CountingProxy } from "./counting-proxy.js";
import { bareGroupName, groupPath, serviceGroupName } from "./fixture.js";
import { procCpuMs } from "./proc-stats.js";
import { healthz, readRun, startRun } from "./service-client.js";
import { storeCallKind } from "./store-calls.js";

export interface OverheadSamples {
  /** Milliseconds of each POST /runs through the service, request sent to 202 read. */
  service: number[];
  /** Milliseconds of each GET + PUT of the bare SDK script, in this process. */
  bare: number[];
  /** The same script in a process of its own, as timed by that process. */
  bareOutOfProcess: number[];
  /** Milliseconds of a GET /healthz round trip to the service: the floor of any HTTP hop. */
  healthz: number[];
  /** Service CPU (user + system) per trigger, summed over the measured triggers only. */
  serviceCpuMsPerTrigger: number;
  /** ARM requests the emulator saw for each accepted service trigger. */
  armRequestsPerTrigger: number[];
  /** Method sequence of the first measured service trigger, e.g. ["GET", "PUT"]. */
  armMethods: string[];
  /** Requests to the store's table endpoint during each accepted service trigger. */
  storeCallsPerTrigger: number[];
  /** What they were for the first measured trigger, e.g. ["query", "batch", "read"]. */
  storeCalls: string[];
  /** Token requests to the identity endpoint during the measured samples (all sides). */
  tokenRequests: number;
  /** Mean JSON size of the PUT bodies each side sent: the same work means similar sizes. */
  putBodyBytes: { service: number; bare: number };
}

type Trigger = (runId: string, env: Record<string, string>) => Promise<unknown>;

function putBytes(emulator: Emulator, path: string): number {
  const puts = emulator.requests.filter((r) => r.method === "PUT" && r.path === path);
  return puts.reduce((sum, r) => sum + JSON.stringify(r.body).length, 0) / Math.max(puts.length, 1);
}

async function timed(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
}

/** Reads the run until the service records its end, which frees its group for the next trigger. */
async function untilEnded(serviceUrl: string, id: string): Promise<void> {
  for (let read = 0; read < 100; read++) {
    if (isTerminal((await readRun(serviceUrl, id)).status)) return;
  }
  throw new Error(`run ${id} did not end in the overhead loop`);
}

/**
 * Alternates one trigger through the service with one by the bare script (service, bare,
 * service, bare...) against the same emulator, so drift of the machine hits both alike; each
 * round also takes one /healthz round trip and one trigger by the bare script in its own process.
 * Runs end as soon as they are accepted (emulator timings 0). After each trigger the bench reads
 * the run through a second replica of the service on the same store (`readerUrl`, as a status
 * poller behind a load balancer would) until it records the end, so the next trigger finds its
 * group free and takes it at once (GET + PUT inside the POST), not through the queue. The
 * reconcile pass that the end kicks runs in that replica, whose store calls bypass the proxy:
 * every table request the proxy counts during a POST is that POST's own. That pass finds no group
 * held and reads no ARM, unless it is delayed past the next trigger's claim; the ARM count, which
 * must be exactly 2, would show that.
 */
export async function measureOverhead(options: {
  emulator: Emulator;
  tableProxy: CountingProxy;
  serviceUrl: string;
  readerUrl: string;
  servicePid: number;
  bare: Trigger;
  bareOutOfProcess: (runId: string, env: Record<string, string>) => Promise<number>;
  warmup: number;
  samples: number;
}): Promise<OverheadSamples> {
  const { emulator, serviceUrl, tableProxy } = options;
  const result: OverheadSamples = {
    service: [], bare: [], bareOutOfProcess: [], healthz: [], serviceCpuMsPerTrigger: 0,
    armRequestsPerTrigger: [], armMethods: [], storeCallsPerTrigger: [], storeCalls: [], tokenRequests: 0, putBodyBytes: { service: 0, bare: 0 },
  };
  let serviceCpuMs = 0;

  for (let i = 0; i < options.warmup + options.samples; i++) {
    const measured = i >= options.warmup;
    if (i === options.warmup) emulator.clearRequests();
    const env = { BENCH_SAMPLE: String(i) };

    const before = emulator.requests.length;
    const storeBefore = tableProxy.requests.length;
    const cpuBefore = procCpuMs(options.servicePid);
    let run: Awaited<ReturnType<typeof startRun>> = { status: 0 };
    const serviceMs = await timed(async () => (run = await startRun(serviceUrl, env)));
    const cpuMs = procCpuMs(options.servicePid) - cpuBefore;
    if (run.status !== 202 || !run.id) throw new Error(`POST /runs answered ${run.status} in the overhead loop`);
    if (run.state === "queued") throw new Error("a trigger of the overhead loop was queued: its group was not free");
    // Every ARM and table request in this window is the service's: nothing else runs meanwhile.
    const armRequests = emulator.requests.slice(before);
    const storeRequests = tableProxy.requests.slice(storeBefore);
    await untilEnded(options.readerUrl, run.id);

    const bareMs = await timed(() => options.bare(randomUUID(), env));
    const healthzMs = await timed(() => healthz(serviceUrl));
    const outOfProcessMs = await options.bareOutOfProcess(randomUUID(), env);

    if (measured) {
      result.service.push(serviceMs);
      result.bare.push(bareMs);
      result.healthz.push(healthzMs);
      result.bareOutOfProcess.push(outOfProcessMs);
      serviceCpuMs += cpuMs;
      result.armRequestsPerTrigger.push(armRequests.length);
      result.storeCallsPerTrigger.push(storeRequests.length);
      if (result.armMethods.length === 0) result.armMethods = armRequests.map((r) => r.method);
      if (result.storeCalls.length === 0) result.storeCalls = storeRequests.map(storeCallKind);
    }
  }
  result.serviceCpuMsPerTrigger = serviceCpuMs / options.samples;
  result.tokenRequests = emulator.tokenRequests.length;
  result.putBodyBytes = { service: putBytes(emulator, groupPath(serviceGroupName)), bare: putBytes(emulator, groupPath(bareGroupName)) };
  emulator.clearRequests();
  return result;
}
