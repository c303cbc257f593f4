import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Emulator } from "../emulator/index.js";
import { bareGroupName, groupPath, serviceGroupName } from "./fixture.js";
import { startRun } from "./service-client.js";

export interface OverheadSamples {
  /** Milliseconds of each POST /runs through the service, request sent to 202 read. */
  service: number[];
  /** Milliseconds of each GET + PUT of the bare SDK script. */
  bare: number[];
  /** ARM requests the emulator saw for each accepted service trigger. */
  armRequestsPerTrigger: number[];
  /** Method sequence of the first measured service trigger, e.g. ["GET", "PUT"]. */
  armMethods: string[];
  /** Token requests to the identity endpoint during the measured samples (both sides). */
  tokenRequests: number;
  /** Mean JSON size of the PUT bodies each side sent: the same work means similar sizes. */
  putBodyBytes: { service: number; bare: number };
}

type Trigger = (runId: string, env: Record<string, string>) => Promise<void>;

function putBytes(emulator: Emulator, path: string): number {
  const puts = emulator.requests.filter((r) => r.method === "PUT" && r.path === path);
  return puts.reduce((sum, r) => sum + JSON.stringify(r.body).length, 0) / Math.max(puts.length, 1);
}

/**
 * Alternates one trigger through the service with one by the bare script (service, bare,
 * service, bare...) against the same emulator, so drift of the machine hits both alike. Runs
 * end as soon as they are accepted (emulator timings 0), so no trigger waits on the one before.
 */
export async function measureOverhead(options: {
  emulator: Emulator;
  serviceUrl: string;
  bare: Trigger;
  warmup: number;
  samples: number;
}): Promise<OverheadSamples> {
  const { emulator, serviceUrl, bare } = options;
  const servicePath = groupPath(serviceGroupName);
  const result: OverheadSamples = { service: [], bare: [], armRequestsPerTrigger: [], armMethods: [], tokenRequests: 0, putBodyBytes: { service: 0, bare: 0 } };

  for (let i = 0; i < options.warmup + options.samples; i++) {
    const measured = i >= options.warmup;
    if (i === options.warmup) emulator.clearRequests();
    const env = { BENCH_SAMPLE: String(i) };

    const before = emulator.requests.length;
    let started = performance.now();
    const run = await startRun(serviceUrl, env);
    const serviceMs = performance.now() - started;
    if (run.status !== 202) throw new Error(`POST /runs answered ${run.status} in the overhead loop`);
    // Every ARM request in this window is the service's: nothing else runs meanwhile.
    const armRequests = emulator.requests.slice(before);

    started = performance.now();
    await bare(randomUUID(), env);
    const bareMs = performance.now() - started;

    if (measured) {
      result.service.push(serviceMs);
      result.bare.push(bareMs);
      result.armRequestsPerTrigger.push(armRequests.length);
      if (result.armMethods.length === 0) result.armMethods = armRequests.map((r) => r.method);
    }
  }
  result.tokenRequests = emulator.tokenRequests.length;
  result.putBodyBytes = { service: putBytes(emulator, servicePath), bare: putBytes(emulator, groupPath(bareGroupName)) };
  emulator.clearRequests();
  return result;
}
