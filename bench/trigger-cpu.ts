import { isTerminal } from "../service/core/run.js";
import { spawnBundle } from "./bundle-process.js";
import { sleep } from "./pool.js";
import { procCpuMs } from "./proc-stats.js";
import { readRun, startRun } from "./service-client.js";

export interface TriggerCpuPlan {
  /** Rounds of every variant, each round a fresh process per variant, in a rotating order. */
  rounds: number;
  warmup: number;
  triggers: number;
  /**
   * Idle time after the last trigger, still inside the measured window: long enough for a
   * service exporting telemetry to send what the triggers recorded (its export delays are set
   * below it), so the export is charged to the triggers. Every variant waits the same.
   */
  settleMs: number;
}

/** A build and environment to measure: the same service with telemetry off or on, or an older build. */
export interface TriggerCpuVariant {
  name: string;
  script: string;
  env: Record<string, string>;
}

/** Reads the run through the service that accepted it until it records the run's end. */
async function untilEnded(url: string, id: string): Promise<void> {
  for (let read = 0; read < 1_000; read++) {
    if (isTerminal((await readRun(url, id)).status)) return;
    await sleep(1);
  }
  throw new Error(`run ${id} did not end in the CPU-per-trigger loop`);
}

/**
 * Service CPU (user + system, from /proc) per trigger of one fresh process of `variant`: the
 * warm-up triggers first, then `triggers` more, each POST /runs followed by status reads until the
 * run has ended (the emulator ends runs at once), so the CPU covers a run's whole life: accept,
 * start, observe, end, and the reconcile pass the end kicks.
 */
async function cpuPerTrigger(variant: TriggerCpuVariant, plan: TriggerCpuPlan): Promise<number> {
  const service = await spawnBundle(variant.script, variant.env);
  try {
    await service.listening;
    let cpuBefore = 0;
    for (let i = 0; i < plan.warmup + plan.triggers; i++) {
      if (i === plan.warmup) cpuBefore = procCpuMs(service.pid);
      const run = await startRun(service.url, { BENCH_CPU: String(i) });
      if (run.status !== 202 || !run.id) throw new Error(`POST /runs answered ${run.status} for ${variant.name}:\n${service.stderr()}`);
      await untilEnded(service.url, run.id);
    }
    await sleep(plan.settleMs);
    return (procCpuMs(service.pid) - cpuBefore) / plan.triggers;
  } finally {
    await service.stop();
  }
}

/**
 * CPU per trigger of every variant, `plan.rounds` times: round r starts with variant r (mod the
 * count), so no variant always runs first or last while the machine's load drifts. Each variant's
 * figures come back in the order measured.
 */
export async function measureTriggerCpu(variants: TriggerCpuVariant[], plan: TriggerCpuPlan): Promise<Record<string, number[]>> {
  const figures: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let round = 0; round < plan.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length]!;
      figures[variant.name]!.push(await cpuPerTrigger(variant, plan));
    }
  }
  return figures;
}
