import type { DispatchReadsPlan } from "./dispatch-reads.js";
import type { MemoryFigures } from "./memory.js";
import type { ObservationReads, ObservationReadsPlan } from "./observation-reads.js";
import type { PoolMeasurement, PoolPlan } from "./pool-makespan.js";
import { previousBuildTriggerMs } from "./previous-build.js";
import type { Summary } from "./stats.js";
import { formatTable, num } from "./table.js";
import type { VariantCpu } from "./trigger-cpu-figures.js";
import type { WebhookFigures, WebhookPlan } from "./webhook-delivery.js";
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
  storeCallsPerTrigger: Summary & { calls: string[] };
  /** One store call straight to Azurite and through the counting proxy, from the bench process. */
  proxyHopMs: { direct: Summary; proxied: Summary; addedMedianMs: number };
  /** POST /runs now against the build before the store (see previous-build.ts). */
  triggerWithStore: {
    previous: typeof previousBuildTriggerMs;
    addedMedianMs: number;
    addedMedianNetOfProxyMs: number;
  };
  historyPage: {
    sizes: { small: number; large: number };
    pageSize: number;
    serviceMs: { small: Summary; large: Summary };
    storeMs: { small: Summary; large: Summary };
    ratioMedian: number;
    storeRatioMedian: number;
    seedMs: number;
  };
  /** The page at GET /: bytes a browser loads, and Chromium's paint timing (absent without Chromium). */
  page: { bytes: { html: number; script: number; stylesheet: number; total: number }; firstRenderMs?: Summary; listShownMs?: Summary };
  pool: Omit<PoolMeasurement, "dispatchLatenciesMs"> & {
    plan: PoolPlan;
    dispatchLatencyMs: Summary;
    /** The same plan run by a poller with no store and no log copy (`bench/bare-pool.ts`): the floor at that interval. */
    barePoller: { makespanMs: number; idealMs: number; ratio: number; dispatchLatencyMs: Summary };
  };
  /** Table reads between one dispatch's PUT and the next, at each queue length. */
  dispatchReads: {
    plan: DispatchReadsPlan;
    perDispatch: { queued: number; entities: Summary; requests: Summary; cycleMs: Summary; storeMs: Summary; armRequests: Summary; storeCalls: Record<string, number>; seedMs: number }[];
    entitiesRatio: number;
  };
  /** ARM GETs of the active groups per second, with each number of replicas. */
  observationReads: { plan: ObservationReadsPlan; replicas: ObservationReads[]; ratio: number };
  /** A run's end to its webhook received, and deliveries per second of one replica (issue 22). */
  webhooks: WebhookFigures & { plan: WebhookPlan };
  /** Service CPU per trigger run to its end, per variant: telemetry off, on (OTLP), earlier builds. */
  triggerCpu: {
    plan: unknown;
    builds: { name: string; commit: string; bundleBytes: number }[];
    variants: Record<string, VariantCpu>;
    onOverOff: number;
    offOverToday?: number;
    /** The telemetry merge (off) over the build before it: telemetry's own share of offOverToday. */
    mergeOverToday?: number;
    otlpExports: Record<string, number>;
  };
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
const medianP99 = (s: Summary) => `${ms(s.median)} / ${ms(s.p99)}`;
const range = (values: readonly number[]) => `${num(Math.min(...values), 2)}-${num(Math.max(...values), 2)}`;

function storeRows(r: BenchResults): [string, string][] {
  const { storeCallsPerTrigger: calls, historyPage: page, pool, triggerWithStore: trigger } = r;
  const previous = trigger.previous.runs;
  return [
    ["store calls per trigger, min / max", `${calls.min} / ${calls.max} (${calls.calls.join(" + ")})`],
    ["store call from the bench, direct / via proxy, median", `${ms(r.proxyHopMs.direct.median)} / ${ms(r.proxyHopMs.proxied.median)}`],
    ["POST /runs before the store, median / p99", `${range(previous.map((p) => p.median))} / ${range(previous.map((p) => p.p99))} ms (${trigger.previous.recorded})`],
    ["added since, median / net of the proxy", `${ms(trigger.addedMedianMs)} / ${ms(trigger.addedMedianNetOfProxyMs)}`],
    [`newest page of ${page.pageSize}, ${page.sizes.small} runs, median / p99`, medianP99(page.serviceMs.small)],
    [`newest page of ${page.pageSize}, ${page.sizes.large} runs, median / p99`, medianP99(page.serviceMs.large)],
    [`Azurite alone, ${page.sizes.small} / ${page.sizes.large} runs, median`, `${ms(page.storeMs.small.median)} / ${ms(page.storeMs.large.median)}`],
    ["newest page ratio, service / Azurite alone", `${num(page.ratioMedian, 2)} x / ${num(page.storeRatioMedian, 2)} x`],
    [`seeding ${page.sizes.large} runs`, ms(page.seedMs)],
    [
      `pool: ${pool.runs} runs of ${pool.plan.runMs} ms on ${pool.groups} groups`,
      `makespan ${num(pool.makespanMs, 0)} ms, ideal ${num(pool.idealMs, 0)} ms, ${num(pool.ratio, 2)} x`,
    ],
    ["pool dispatch latency (end to next PUT), median / p99", medianP99(pool.dispatchLatencyMs)],
    [
      "pool, bare poller (no store, no log copy)",
      `makespan ${num(pool.barePoller.makespanMs, 0)} ms, ideal ${num(pool.barePoller.idealMs, 0)} ms, ${num(pool.barePoller.ratio, 2)} x; dispatch latency ${medianP99(pool.barePoller.dispatchLatencyMs)}`,
    ],
    [
      "pool first dispatch, PUTs, statuses",
      `${ms(pool.firstDispatchMs)}, ${pool.puts}, ${Object.entries(pool.statuses).map(([s, n]) => `${s}: ${n}`).join(", ")}`,
    ],
    ...readRows(r),
  ];
}

function readRows(r: BenchResults): [string, string][] {
  const { dispatchReads: dispatch, observationReads: observation } = r;
  return [
    ...dispatch.perDispatch.map((d): [string, string] => [
      `table reads per dispatch, ${d.queued} queued: entities mean (min-max) / requests mean`,
      `${num(d.entities.mean, 1)} (${d.entities.min}-${d.entities.max}) / ${num(d.requests.mean, 1)}`,
    ]),
    ...dispatch.perDispatch.map((d): [string, string] => [
      `dispatch cycle alone, ${d.queued} queued: PUT to PUT / table request in flight, median`,
      `${ms(d.cycleMs.median)} / ${ms(d.storeMs.median)}`,
    ]),
    ...dispatch.perDispatch.map((d): [string, string] => [
      `dispatch cycle alone, ${d.queued} queued: table requests by kind / ARM requests, per dispatch`,
      `${Object.entries(d.storeCalls).map(([kind, n]) => `${kind} ${num(n / d.requests.n, 1)}`).join(", ")} / ${num(d.armRequests.mean, 1)}`,
    ]),
    ["entities per dispatch, long / short queue", `${num(dispatch.entitiesRatio, 2)} x`],
    ...observation.replicas.map((o): [string, string] => [
      `ARM reads of ${observation.plan.groups} active groups, ${o.processes} replica(s)`,
      `${num(o.readsPerSecond, 1)} /s (${o.reads} in ${num(o.windowMs / 1000, 1)} s, interval ${observation.plan.reconcileIntervalMs} ms)`,
    ]),
    ["ARM reads per second, most replicas / one", `${num(observation.ratio, 2)} x`],
    ...webhookRows(r),
  ];
}

function webhookRows(r: BenchResults): [string, string][] {
  const { plan, endToReceivedMs, throughput } = r.webhooks;
  return [
    [`run's end recorded to its webhook received, ${endToReceivedMs.n} runs, median / p99`, medianP99(endToReceivedMs)],
    [
      `webhook deliveries per second, one replica, receiver answering in ${plan.receiverMs} ms`,
      `${num(throughput.perSecond, 0)} /s (${throughput.deliveries} in ${num(throughput.durationMs / 1000, 1)} s, ${throughput.repeats} repeats)`,
    ],
    ["  in flight at the receiver, mean / max; service CPU per delivery", `${num(throughput.meanInFlight, 1)} / ${throughput.maxInFlight}; ${ms(throughput.serviceCpuMsPerDelivery)}`],
  ];
}

function cpuRows(r: BenchResults): [string, string][] {
  const cpu = r.triggerCpu;
  const commit = (name: string) => cpu.builds.find((b) => b.name === name)?.commit.slice(0, 7);
  return [
    ...Object.entries(cpu.variants).map(([name, v]): [string, string] => [
      `CPU per trigger run to its end, ${name}${commit(name) ? ` (${commit(name)})` : ""}, median (min-max)`,
      `${ms(v.median)} (${num(v.min, 1)}-${num(v.max, 1)}), spread ${num(v.spread * 100, 0)}%`,
    ]),
    ["CPU per trigger, on / off, paired", `${num(cpu.onOverOff, 2)} x`],
    ["CPU per trigger, off / before telemetry, paired", cpu.offOverToday === undefined ? "not measured: no earlier build" : `${num(cpu.offOverToday, 2)} x`],
    ["CPU per trigger, telemetry merge off / before telemetry, paired", cpu.mergeOverToday === undefined ? "not measured" : `${num(cpu.mergeOverToday, 2)} x`],
    ["OTLP exports received (path: count)", Object.entries(cpu.otlpExports).map(([p, n]) => `${p}: ${n}`).join(", ")],
  ];
}

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
    ...storeRows(r),
    ...cpuRows(r),
    ["page weight, HTML + script + stylesheet", `${r.page.bytes.total} B (${r.page.bytes.html} + ${r.page.bytes.script} + ${r.page.bytes.stylesheet})`],
    ["page first contentful paint, median (min-max)", r.page.firstRenderMs ? spread(r.page.firstRenderMs) : "not measured: no Chromium"],
    ["page list shown with a key, median (min-max)", r.page.listShownMs ? spread(r.page.listShownMs) : "not measured: no Chromium"],
  ];
  const targets = r.targets.map((t) => [
    t.figure,
    `${num(t.value, 2)} ${t.unit}`.trim(),
    `${t.kind === "max" ? "<=" : "="} ${t.target} ${t.unit}`.trim(),
    `${t.met ? "met" : "MISSED"}, ${t.distance}`,
  ]);
  return `${formatTable(["figure", "value"], figures)}\n\n${formatTable(["target", "value", "limit", "verdict"], targets)}`;
}
