import type { MemoryFigures } from "./memory.js";
import type { Summary } from "./stats.js";
import { formatTable, num } from "./table.js";
import { mebibyte, type TargetCheck } from "./targets.js";

/** Everything `npm run bench` writes to bench/results.json. */
export interface BenchResults {
  date: string;
  command: string;
  machine: { nproc: number; cpu: string; memoryBytes: number; kernel: string; node: string };
  plan: unknown;
  bundle: { bytes: number; legalBytes: number };
  overhead: {
    serviceMs: Summary;
    bareSdkMs: Summary;
    bareSdkOutOfProcessMs: Summary;
    healthzRoundTripMs: Summary;
    ratioMedian: number;
    ratioP99: number;
    ratioMedianOutOfProcess: number;
    addedMedianMs: number;
    serviceCpuMsPerTrigger: number;
    putBodyBytes: { service: number; bare: number };
    tokenRequestsWhileMeasuring: number;
  };
  armRequestsPerTrigger: Summary & { methods: string[] };
  coldStart: { healthzMs: Summary; listeningLogMs: Summary; firstRunMs: Summary; nodeFloorMs: Summary; samples: unknown[] };
  memory: MemoryFigures & { nodeFloorIdleRssBytes: number; nodeFloorIdleAnonRssBytes: number; peakRssAfterThroughputBytes: number; peakRssAfterAllBytes: number };
  statusThroughput: {
    requests: number;
    concurrency: number;
    durationMs: number;
    requestsPerSecond: number;
    errors: number;
    latencyMs: Summary;
    serviceCpuMsPerRequest: number;
  };
  targets: TargetCheck[];
}

const mib = (bytes: number) => `${num(bytes / mebibyte)} MiB`;
const ms = (value: number) => `${num(value, 2)} ms`;
const spread = (s: Summary) => `${ms(s.median)} (${num(s.min)}-${num(s.max)})`;

/** The two tables `npm run bench` prints: every figure, then each target and how far it is. */
export function renderReport(r: BenchResults): string {
  const o = r.overhead;
  const figures: [string, string][] = [
    ["bundle size", `${r.bundle.bytes} B (${mib(r.bundle.bytes)})`],
    ["POST /runs via service, median / p99", `${ms(o.serviceMs.median)} / ${ms(o.serviceMs.p99)}`],
    ["bare SDK GET+PUT in-process, median / p99", `${ms(o.bareSdkMs.median)} / ${ms(o.bareSdkMs.p99)}`],
    ["overhead ratio, median / p99", `${num(o.ratioMedian, 2)} x / ${num(o.ratioP99, 2)} x`],
    ["added by the service, median", ms(o.addedMedianMs)],
    ["bare SDK in its own process, median / p99", `${ms(o.bareSdkOutOfProcessMs.median)} / ${ms(o.bareSdkOutOfProcessMs.p99)}`],
    ["ratio to the out-of-process bare, median", `${num(o.ratioMedianOutOfProcess, 2)} x`],
    ["GET /healthz round trip (HTTP hop), median", ms(o.healthzRoundTripMs.median)],
    ["service CPU per trigger", ms(o.serviceCpuMsPerTrigger)],
    ["ARM requests per trigger, min / max", `${r.armRequestsPerTrigger.min} / ${r.armRequestsPerTrigger.max} (${r.armRequestsPerTrigger.methods.join(" + ")})`],
    ["PUT body bytes, service / bare", `${Math.round(o.putBodyBytes.service)} / ${Math.round(o.putBodyBytes.bare)}`],
    ["cold start to /healthz, median (min-max)", spread(r.coldStart.healthzMs)],
    ["cold start to first 202, median (min-max)", spread(r.coldStart.firstRunMs)],
    ["bare node:http to first 200, median (min-max)", spread(r.coldStart.nodeFloorMs)],
    [
      `idle RSS, median of ${r.memory.idleRssSamples.length} (min-max)`,
      `${mib(r.memory.idleRssBytes)} (${num(Math.min(...r.memory.idleRssSamples) / mebibyte)}-${num(Math.max(...r.memory.idleRssSamples) / mebibyte)})`,
    ],
    ["  of which anonymous (private) / file-backed", `${mib(r.memory.idleAnonRssBytes)} / ${mib(r.memory.idleFileRssBytes)}`],
    ["bare node:http idle RSS / anonymous", `${mib(r.memory.nodeFloorIdleRssBytes)} / ${mib(r.memory.nodeFloorIdleAnonRssBytes)}`],
    ["peak RSS after burst / throughput / all", `${mib(r.memory.peakRssBytes)} / ${mib(r.memory.peakRssAfterThroughputBytes)} / ${mib(r.memory.peakRssAfterAllBytes)}`],
    ["burst answers (status: count)", Object.entries(r.memory.burstAnswers).map(([s, n]) => `${s}: ${n}`).join(", ")],
    [`status GET at concurrency ${r.statusThroughput.concurrency}`, `${num(r.statusThroughput.requestsPerSecond, 0)} req/s, ${r.statusThroughput.errors} errors`],
    ["status latency, median / p99", `${ms(r.statusThroughput.latencyMs.median)} / ${ms(r.statusThroughput.latencyMs.p99)}`],
    ["service CPU per status request", ms(r.statusThroughput.serviceCpuMsPerRequest)],
  ];
  const targets = r.targets.map((t) => [
    t.figure,
    `${num(t.value, 2)} ${t.unit}`.trim(),
    `${t.kind === "max" ? "<=" : "="} ${t.target} ${t.unit}`.trim(),
    `${t.met ? "met" : "MISSED"}, ${t.distance}`,
  ]);
  return `${formatTable(["figure", "value"], figures)}\n\n${formatTable(["target", "value", "limit", "verdict"], targets)}`;
}
