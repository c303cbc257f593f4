import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBareTrigger } from "./bare-trigger.js";
import { buildBundle } from "./bundle.js";
import { spawnBundle, type BundleProcess } from "./bundle-process.js";
import { measureColdStarts } from "./cold-start.js";
import { bareGroupName, clientId, definition, resourceGroup, startBenchFixture, subscriptionId, type BenchFixture } from "./fixture.js";
import { measureMemory } from "./memory.js";
import { measureNodeFloor } from "./node-floor.js";
import { measureOverhead } from "./overhead.js";
import { median, rounded, summarize } from "./stats.js";
import { formatTable, num } from "./table.js";
import { checkTargets, mebibyte } from "./targets.js";
import { procMemory } from "./proc-stats.js";
import { measureThroughput } from "./throughput.js";

// `npm run bench`: what users of the trigger pay for, measured against the local emulator.
// Every count is here so a run is reproducible from its JSON; the whole run takes about a minute.
const plan = {
  coldStarts: 7,
  overhead: { warmup: 30, samples: 200 },
  burst: { settleMs: 1_000, statusRequests: 1_000, statusConcurrency: 32, triggers: 100 },
  throughput: { requests: 3_000, concurrency: 32, warmup: 300 },
};

const resultsFile = fileURLToPath(new URL("./results.json", import.meta.url));
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(): Promise<void> {
  const startedAt = new Date();
  const dir = await mkdtemp(join(tmpdir(), "aci-trigger-bench-"));
  let fixture: BenchFixture | undefined;
  let service: BundleProcess | undefined;
  try {
    progress("building the bundle");
    const bundle = await buildBundle(dir);
    fixture = await startBenchFixture(dir);

    progress(`cold start x${plan.coldStarts}`);
    const floor = await measureNodeFloor(dir, plan.coldStarts, plan.burst.settleMs);
    const coldStarts = await measureColdStarts(bundle.path, fixture.serviceEnv, plan.coldStarts);

    progress("memory: idle, then a burst");
    service = await spawnBundle(bundle.path, fixture.serviceEnv);
    const memory = await measureMemory(service, plan.burst);

    progress("status throughput");
    const throughput = await measureThroughput(service, plan.throughput);
    const peakRssAfterThroughput = procMemory(service.pid).peakRssBytes;

    progress("trigger overhead, interleaved with the bare SDK script");
    const bare = createBareTrigger({
      endpoint: fixture.emulator.url,
      identityEndpoint: fixture.emulator.identityEndpoint,
      identityHeader: fixture.emulator.identityHeader,
      clientId,
      subscriptionId,
      resourceGroup,
      containerGroup: bareGroupName,
      definition,
    });
    const overhead = await measureOverhead({ emulator: fixture.emulator, serviceUrl: service.url, bare, ...plan.overhead });
    const finalPeakRss = procMemory(service.pid).peakRssBytes;

    const serviceLatency = summarize(overhead.service);
    const bareLatency = summarize(overhead.bare);
    const armRequests = summarize(overhead.armRequestsPerTrigger);
    const cold = {
      healthzMs: summarize(coldStarts.map((s) => s.healthzMs)),
      listeningLogMs: summarize(coldStarts.map((s) => s.listeningLogMs)),
      firstRunMs: summarize(coldStarts.map((s) => s.firstRunMs)),
      nodeFloorMs: summarize(floor.readyMs),
    };
    const targets = checkTargets({
      overheadRatioMedian: serviceLatency.median / bareLatency.median,
      armRequestsPerTrigger: { min: armRequests.min, max: armRequests.max },
      coldStartHealthzMs: cold.healthzMs.median,
      coldStartFirstRunMs: cold.firstRunMs.median,
      idleRssBytes: memory.idleRssBytes,
      peakRssBytes: memory.peakRssBytes,
      bundleBytes: bundle.bytes,
      statusErrors: throughput.errors,
    });

    const results = rounded({
      date: startedAt.toISOString(),
      command: "npm run bench",
      machine: { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? "unknown", memoryBytes: totalmem(), kernel: release(), node: process.version },
      plan,
      bundle: { bytes: bundle.bytes, legalBytes: bundle.legalBytes },
      overhead: {
        serviceMs: serviceLatency,
        bareSdkMs: bareLatency,
        ratioMedian: serviceLatency.median / bareLatency.median,
        ratioP99: serviceLatency.p99 / bareLatency.p99,
        addedMedianMs: serviceLatency.median - bareLatency.median,
        putBodyBytes: overhead.putBodyBytes,
        tokenRequestsWhileMeasuring: overhead.tokenRequests,
      },
      armRequestsPerTrigger: { ...armRequests, methods: overhead.armMethods },
      coldStart: { ...cold, samples: coldStarts },
      memory: { ...memory, nodeFloorIdleRssBytes: floor.idleRssBytes, peakRssAfterThroughputBytes: peakRssAfterThroughput, peakRssAfterWholeBenchBytes: finalPeakRss },
      statusThroughput: {
        requests: throughput.requests,
        concurrency: throughput.concurrency,
        durationMs: throughput.durationMs,
        requestsPerSecond: throughput.requestsPerSecond,
        errors: throughput.errors,
        latencyMs: summarize(throughput.latenciesMs),
        serviceCpuMsPerRequest: throughput.serviceCpuMsPerRequest,
      },
      targets,
    });
    await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

    const mib = (bytes: number) => `${num(bytes / mebibyte)} MiB`;
    const ms = (value: number) => `${num(value)} ms`;
    const figures: [string, string][] = [
      ["bundle size", `${bundle.bytes} B (${mib(bundle.bytes)})`],
      ["POST /runs via service, median / p99", `${ms(serviceLatency.median)} / ${ms(serviceLatency.p99)}`],
      ["bare SDK GET+PUT, median / p99", `${ms(bareLatency.median)} / ${ms(bareLatency.p99)}`],
      ["overhead ratio, median / p99", `${num(results.overhead.ratioMedian, 2)} x / ${num(results.overhead.ratioP99, 2)} x`],
      ["ARM requests per trigger, min / max", `${armRequests.min} / ${armRequests.max} (${overhead.armMethods.join(" + ")})`],
      ["PUT body bytes, service / bare", `${Math.round(overhead.putBodyBytes.service)} / ${Math.round(overhead.putBodyBytes.bare)}`],
      ["cold start to /healthz, median (min-max)", `${ms(cold.healthzMs.median)} (${num(cold.healthzMs.min)}-${num(cold.healthzMs.max)})`],
      ["cold start to first 202, median (min-max)", `${ms(cold.firstRunMs.median)} (${num(cold.firstRunMs.min)}-${num(cold.firstRunMs.max)})`],
      ["bare node:http to first 200, median", ms(median(floor.readyMs))],
      ["idle RSS, service / bare node:http", `${mib(memory.idleRssBytes)} / ${mib(floor.idleRssBytes)}`],
      ["peak RSS (VmHWM) after burst / throughput / all", `${mib(memory.peakRssBytes)} / ${mib(peakRssAfterThroughput)} / ${mib(finalPeakRss)}`],
      ["burst answers (status: count)", Object.entries(memory.burstAnswers).map(([s, n]) => `${s}: ${n}`).join(", ")],
      [`status GET at concurrency ${throughput.concurrency}`, `${num(throughput.requestsPerSecond, 0)} req/s, ${throughput.errors} errors`],
      ["status latency, median / p99", `${ms(results.statusThroughput.latencyMs.median)} / ${ms(results.statusThroughput.latencyMs.p99)}`],
      ["service CPU per status request", ms(throughput.serviceCpuMsPerRequest)],
    ];
    process.stdout.write(`\n${formatTable(["figure", "value"], figures)}\n\n`);
    process.stdout.write(
      `${formatTable(
        ["target", "value", "limit", "verdict"],
        targets.map((t) => [t.figure, `${num(t.value, 2)} ${t.unit}`.trim(), `${t.kind === "max" ? "<=" : "="} ${t.target} ${t.unit}`.trim(), `${t.met ? "met" : "MISSED"}, ${t.distance}`]),
      )}\n\nwritten: bench/results.json\n`,
    );
  } finally {
    await service?.stop();
    await fixture?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: broken: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
