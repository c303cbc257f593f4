import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { configNames } from "../service/config-names.js";
import { measureBarePool } from "./bare-pool.js";
import { startBareProcess, type BareProcess } from "./bare-process.js";
import { createBareTrigger, type BareTriggerOptions } from "./bare-trigger.js";
import { buildBundle } from "./bundle.js";
import { spawnBundle } from "./bundle-process.js";
import { measureColdStarts } from "./cold-start.js";
import { measureDispatchReads } from "./dispatch-reads.js";
import { drainRuns } from "./drain.js";
import { startOtlpSink } from "./otlp-sink.js";
import { apiKey, bareGroupName, benchPartition, clientId, definition, resourceGroup, serviceGroupName, startBenchFixture, subscriptionId, type BenchFixture } from "./fixture.js";
import { measureHistoryPages } from "./history-page.js";
import { measureMemory } from "./memory.js";
import { measureNodeFloor } from "./node-floor.js";
import { measureObservationReads } from "./observation-reads.js";
import { measureOverhead } from "./overhead.js";
import { measurePage } from "./page-render.js";
import { measurePoolMakespan } from "./pool-makespan.js";
import { previousBuildTriggerMs } from "./previous-build.js";
import { buildBundleAt, earlierBuilds } from "./previous-bundle.js";
import { procMemory } from "./proc-stats.js";
import { measureProxyHop } from "./proxy-hop.js";
import { renderReport, type BenchResults } from "./report.js";
import { median, rounded, summarize } from "./stats.js";
import { checkTargets } from "./targets.js";
import { telemetryVariants } from "./telemetry-variants.js";
import { measureTriggerCpu } from "./trigger-cpu.js";
import { pairedRatio, triggerCpuFigures } from "./trigger-cpu-figures.js";
import { measureThroughput } from "./throughput.js";
import { measureWebhookDelivery } from "./webhook-delivery.js";
import { webhookPlan } from "./webhook-plan.js";

// `npm run bench`: what users of the trigger pay for, measured against the local emulator.
// Every count is here so a run is reproducible from its JSON; the whole run takes two to three minutes, most of it CPU per trigger.
// `npx tsx bench/run-webhooks.ts` runs only the webhook phase, with the same plan.
const plan = {
  coldStarts: 7,
  overhead: { warmup: 30, samples: 200 },
  burst: { idleSamples: 5, settleMs: 1_000, statusRequests: 1_000, statusConcurrency: 32, triggers: 100 },
  throughput: { requests: 2_000, concurrency: 32, warmup: 200 },
  proxyHop: { warmup: 20, samples: 100 },
  history: { small: 100, large: 10_000, pageSize: 20, warmup: 5, samples: 40 },
  pool: { groups: 5, runs: 100, runMs: 50, reconcileIntervalMs: 20 },
  // The pool's interval, so a cycle here is a dispatch there, one group alone.
  dispatchReads: { queued: [10, 10_000], dispatches: 8, reconcileIntervalMs: 20 },
  // One second, not the default five: the window then spans three watch leases in seconds.
  observationReads: { groups: 50, processes: [1, 3], reconcileIntervalMs: 1_000, windowMs: 9_000 },
  page: { warmup: 2, samples: 10 },
  // Five rounds: one process's figure strays up to half from another's of the same build on a loaded machine.
  triggerCpu: { rounds: 5, warmup: 20, triggers: 100, settleMs: 1_000, exportDelayMs: 500 },
  webhooks: webhookPlan,
};

const overheadPartition = "bench-overhead";

const resultsFile = fileURLToPath(new URL("./results.json", import.meta.url));
const benchStarted = performance.now();
const progress = (message: string) => process.stderr.write(`bench: ${((performance.now() - benchStarted) / 1000).toFixed(1)} s: ${message}\n`);

async function bench(dir: string, started: Date, fixture: BenchFixture, stopLater: (stop: () => Promise<unknown>) => void): Promise<BenchResults> {
  progress("building the bundle");
  const bundle = await buildBundle(dir);

  progress(`cold start x${plan.coldStarts}, and a bare node:http server as the floor`);
  const floor = await measureNodeFloor(dir, plan.coldStarts, plan.burst.settleMs);
  const coldStarts = await measureColdStarts(bundle.path, (i) => ({ ...fixture.serviceEnv, ...fixture.directStorageEnv(`bench-cold-${i}`) }), plan.coldStarts);

  progress("memory: idle, then a burst");
  const { figures: memory, service } = await measureMemory(bundle.path, fixture.serviceEnv, plan.burst);
  stopLater(service.stop);
  progress("letting the burst's queued runs start and end");
  await drainRuns(service.url);

  progress("status throughput");
  const throughput = await measureThroughput(service, plan.throughput);
  const peakRssAfterThroughputBytes = procMemory(service.pid).peakRssBytes;

  progress("trigger overhead, interleaved with the bare SDK script");
  const bareOptions: BareTriggerOptions = {
    endpoint: fixture.emulator.url,
    identityEndpoint: fixture.emulator.identityEndpoint,
    identityHeader: fixture.emulator.identityHeader,
    clientId,
    subscriptionId,
    resourceGroup,
    containerGroup: bareGroupName,
    definition,
  };
  const bareProcess: BareProcess = await startBareProcess(bareOptions, fixture.caFile);
  stopLater(bareProcess.stop);
  // A service of its own, on a partition no run was ever queued in: the burst's passes left the
  // first one watching its group for three reconcile intervals (half an hour here), and while a
  // watch holds, status reads answer the stored run, which only its passes, kicked by nothing
  // in this loop, would end.
  const triggered = await spawnBundle(bundle.path, { ...fixture.serviceEnv, [configNames.storagePartition]: overheadPartition });
  stopLater(triggered.stop);
  // A second replica on the same partition, straight to Azurite: the overhead loop reads runs there.
  const reader = await spawnBundle(bundle.path, { ...fixture.serviceEnv, ...fixture.directStorageEnv(overheadPartition) });
  stopLater(reader.stop);
  await Promise.all([triggered.listening, reader.listening]);
  const overhead = await measureOverhead({
    emulator: fixture.emulator,
    tableProxy: fixture.tableProxy,
    serviceUrl: triggered.url,
    readerUrl: reader.url,
    servicePid: triggered.pid,
    bare: createBareTrigger(bareOptions),
    bareOutOfProcess: bareProcess.trigger,
    ...plan.overhead,
  });
  const peakRssAfterAllBytes = procMemory(service.pid).peakRssBytes;

  progress("what the counting proxy adds to a store call");
  const hop = await measureProxyHop({
    connectionString: fixture.azurite.connectionString,
    countedConnectionString: fixture.countedConnectionString,
    partition: benchPartition,
    ...plan.proxyHop,
  });

  progress(`newest page with ${plan.history.small} and ${plan.history.large} stored runs`);
  const history = await measureHistoryPages({
    bundle: bundle.path,
    serviceEnv: fixture.serviceEnv,
    storageEnv: fixture.directStorageEnv,
    connectionString: fixture.azurite.connectionString,
    group: serviceGroupName,
    plan: plan.history,
  });

  progress(`the page: its weight, and ${plan.page.samples} loads in Chromium`);
  const page = await measurePage(service.url, apiKey, plan.page);

  progress(`pool: ${plan.pool.runs} runs of ${plan.pool.runMs} ms on ${plan.pool.groups} groups`);
  const pool = await measurePoolMakespan({
    bundle: bundle.path,
    emulator: fixture.emulator,
    serviceEnv: { ...fixture.serviceEnv, ...fixture.directStorageEnv("bench-pool") },
    plan: plan.pool,
  });
  progress("pool: the same plan with the bare poller, the floor of any poller at that interval");
  const barePool = await measureBarePool({ emulator: fixture.emulator, caFile: fixture.caFile, definition, plan: plan.pool, round: 1 });

  progress(`table reads per dispatch with ${plan.dispatchReads.queued.join(" and ")} queued`);
  const dispatchReads = await measureDispatchReads({
    bundle: bundle.path,
    emulator: fixture.emulator,
    tableProxy: fixture.tableProxy,
    serviceEnv: fixture.serviceEnv,
    directConnectionString: fixture.azurite.connectionString,
    plan: plan.dispatchReads,
  });

  progress(`ARM reads of ${plan.observationReads.groups} active groups with ${plan.observationReads.processes.join(" and ")} replicas`);
  const observation = await measureObservationReads({
    bundle: bundle.path,
    emulator: fixture.emulator,
    serviceEnv: { ...fixture.serviceEnv, ...fixture.directStorageEnv("bench-watch") },
    plan: plan.observationReads,
  });

  progress(`webhooks: ${plan.webhooks.latencyRuns} runs' end to webhook, ${plan.webhooks.deliveries} deliveries to a receiver answering in ${plan.webhooks.receiverMs} ms`);
  const webhooks = await measureWebhookDelivery(bundle.path, fixture, dir, plan.webhooks);

  const earlier = await Promise.all(
    earlierBuilds.map(async (build) => {
      progress(`building ${build.name} (${build.commit.slice(0, 7)})`);
      const built = await buildBundleAt(build.commit, dir).catch((error: unknown) => {
        progress(`${build.name} not built, left out: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      return built && { name: build.name, commit: build.commit, script: built.path, bytes: built.bytes };
    }),
  ).then((builds) => builds.filter((build) => build !== undefined));
  progress(`CPU per trigger, telemetry off and on and ${earlier.length} earlier build(s), ${plan.triggerCpu.rounds} rounds`);
  const sink = await startOtlpSink();
  stopLater(sink.close);
  const { exportDelayMs, ...cpuPlan } = plan.triggerCpu;
  const cpuRounds = await measureTriggerCpu(
    telemetryVariants({ script: bundle.path, earlier, serviceEnv: fixture.serviceEnv, storageEnv: fixture.directStorageEnv, otlpUrl: sink.url, exportDelayMs }),
    cpuPlan,
  );
  const hasToday = "before-telemetry" in cpuRounds;
  const triggerCpu = {
    plan: plan.triggerCpu,
    builds: earlier.map(({ name, commit, bytes }) => ({ name, commit, bundleBytes: bytes })),
    variants: triggerCpuFigures(cpuRounds),
    onOverOff: pairedRatio(cpuRounds, "on", "off"),
    ...(hasToday ? { offOverToday: pairedRatio(cpuRounds, "off", "before-telemetry") } : {}),
    ...(hasToday && "telemetry-merge" in cpuRounds ? { mergeOverToday: pairedRatio(cpuRounds, "telemetry-merge", "before-telemetry") } : {}),
    otlpExports: sink.requests(),
  };

  const serviceMs = summarize(overhead.service);
  const bareSdkMs = summarize(overhead.bare);
  const bareSdkOutOfProcessMs = summarize(overhead.bareOutOfProcess);
  const armRequests = summarize(overhead.armRequestsPerTrigger);
  const storeCalls = summarize(overhead.storeCallsPerTrigger);
  const hopAddedMs = median(hop.proxiedMs) - median(hop.directMs);
  const previousMedianMs = median(previousBuildTriggerMs.runs.map((run) => run.median));
  const historyPage = {
    sizes: history.sizes,
    pageSize: plan.history.pageSize,
    serviceMs: { small: summarize(history.serviceMs.small), large: summarize(history.serviceMs.large) },
    storeMs: { small: summarize(history.storeMs.small), large: summarize(history.storeMs.large) },
    ratioMedian: median(history.serviceMs.large) / median(history.serviceMs.small),
    storeRatioMedian: median(history.storeMs.large) / median(history.storeMs.small),
    seedMs: history.seedMs,
  };
  const { dispatchLatenciesMs, ...poolFigures } = pool;
  const coldStart = {
    healthzMs: summarize(coldStarts.map((s) => s.healthzMs)),
    listeningLogMs: summarize(coldStarts.map((s) => s.listeningLogMs)),
    firstRunMs: summarize(coldStarts.map((s) => s.firstRunMs)),
    nodeFloorMs: summarize(floor.readyMs),
    samples: coldStarts,
  };
  const statusLatencyMs = summarize(throughput.latenciesMs);
  const perDispatch = dispatchReads.map((d) => ({
    queued: d.queued,
    entities: summarize(d.entities),
    requests: summarize(d.requests),
    cycleMs: summarize(d.cycleMs),
    storeMs: summarize(d.storeMs),
    armRequests: summarize(d.armRequests),
    storeCalls: d.storeCalls,
    seedMs: d.seedMs,
  }));
  const dispatchEntitiesRatio = perDispatch.at(-1)!.entities.mean / perDispatch[0]!.entities.mean;
  const observationReadsRatio = observation.at(-1)!.readsPerSecond / observation[0]!.readsPerSecond;
  return rounded({
    date: started.toISOString(),
    command: "npm run bench",
    machine: { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? "unknown", memoryBytes: totalmem(), kernel: release(), node: process.version },
    plan,
    bundle: { bytes: bundle.bytes, legalBytes: bundle.legalBytes },
    overhead: {
      serviceMs,
      bareSdkMs,
      bareSdkOutOfProcessMs,
      healthzRoundTripMs: summarize(overhead.healthz),
      ratioMedian: serviceMs.median / bareSdkMs.median,
      ratioP99: serviceMs.p99 / bareSdkMs.p99,
      ratioMedianOutOfProcess: serviceMs.median / bareSdkOutOfProcessMs.median,
      addedMedianMs: serviceMs.median - bareSdkMs.median,
      serviceCpuMsPerTrigger: overhead.serviceCpuMsPerTrigger,
      putBodyBytes: overhead.putBodyBytes,
      tokenRequestsWhileMeasuring: overhead.tokenRequests,
    },
    armRequestsPerTrigger: { ...armRequests, methods: overhead.armMethods },
    storeCallsPerTrigger: { ...storeCalls, calls: overhead.storeCalls },
    proxyHopMs: { direct: summarize(hop.directMs), proxied: summarize(hop.proxiedMs), addedMedianMs: hopAddedMs },
    triggerWithStore: {
      previous: previousBuildTriggerMs,
      addedMedianMs: serviceMs.median - previousMedianMs,
      addedMedianNetOfProxyMs: serviceMs.median - storeCalls.median * hopAddedMs - previousMedianMs,
    },
    historyPage,
    page: {
      bytes: page.bytes,
      ...(page.firstRenderMs ? { firstRenderMs: summarize(page.firstRenderMs) } : {}),
      ...(page.listShownMs ? { listShownMs: summarize(page.listShownMs) } : {}),
    },
    pool: {
      ...poolFigures,
      plan: plan.pool,
      dispatchLatencyMs: summarize(dispatchLatenciesMs),
      barePoller: { makespanMs: barePool.makespanMs, idealMs: barePool.idealMs, ratio: barePool.ratio, dispatchLatencyMs: summarize(barePool.dispatchLatenciesMs) },
    },
    dispatchReads: { plan: plan.dispatchReads, perDispatch, entitiesRatio: dispatchEntitiesRatio },
    observationReads: { plan: plan.observationReads, replicas: observation, ratio: observationReadsRatio },
    webhooks: { ...webhooks, plan: plan.webhooks },
    triggerCpu,
    coldStart,
    memory: { ...memory, nodeFloorIdleRssBytes: floor.idle.rssBytes, nodeFloorIdleAnonRssBytes: floor.idle.anonRssBytes, peakRssAfterThroughputBytes, peakRssAfterAllBytes },
    statusThroughput: {
      requests: throughput.requests,
      concurrency: throughput.concurrency,
      durationMs: throughput.durationMs,
      requestsPerSecond: throughput.requestsPerSecond,
      errors: throughput.errors,
      latencyMs: statusLatencyMs,
      serviceCpuMsPerRequest: throughput.serviceCpuMsPerRequest,
    },
    targets: checkTargets({
      overheadRatioMedian: serviceMs.median / bareSdkMs.median,
      armRequestsPerTrigger: { min: armRequests.min, max: armRequests.max },
      coldStartHealthzMs: coldStart.healthzMs.median,
      coldStartFirstRunMs: coldStart.firstRunMs.median,
      idleRssBytes: memory.idleRssBytes,
      peakRssBytes: memory.peakRssBytes,
      bundleBytes: bundle.bytes,
      statusErrors: throughput.errors,
      storeCallsPerTriggerMax: storeCalls.max,
      historyPageRatioMedian: historyPage.ratioMedian,
      poolMakespanRatio: pool.ratio,
      dispatchEntitiesRatio,
      observationReadsRatio,
      ...(triggerCpu.offOverToday === undefined ? {} : { telemetryOffCpuOverToday: triggerCpu.offOverToday }),
    }),
  });
}

const dir = await mkdtemp(join(tmpdir(), "aci-trigger-bench-"));
const stops: (() => Promise<unknown>)[] = [];
let fixture: BenchFixture | undefined;
try {
  fixture = await startBenchFixture(dir);
  const results = await bench(dir, new Date(), fixture, (stop) => stops.push(stop));
  progress("done");
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${renderReport(results)}\n\nwritten: bench/results.json\n`);
} catch (error) {
  process.stderr.write(`bench: broken: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  for (const stop of stops.reverse()) await stop();
  await fixture?.close();
  await rm(dir, { recursive: true, force: true });
}
