import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { demoGroup } from "../emulator/index.js";
import { configNames } from "../service/config-names.js";
import { buildBundle } from "./bundle.js";
import { spawnBundle, type BundleProcess } from "./bundle-process.js";
import { apiKey, groupPath, resourceGroup, startBenchFixture, subscriptionId, type BenchFixture } from "./fixture.js";
import { sleep } from "./pool.js";
import { readRun, startRun } from "./service-client.js";
import { rounded, summarize } from "./stats.js";

// `npx tsx bench/log-archive.ts`: the log archive's lag and its ARM log reads (issue 23). Prints JSON.
const plan = {
  copyIntervalMs: 1_000,
  reconcileIntervalMs: 200,
  // Lag: one run printing `lines` lines at `rate` lines/s, its log polled through /logs every `pollMs`.
  lag: { lines: 400, rate: 20, pollMs: 25 },
  // Reads: `groups` runs printing at once, counted over `windowMs` with 1 and 3 replicas.
  reads: { groups: 5, processes: [1, 3], lines: 1_000, rate: 20, windowMs: 20_000 },
};

const auth = { authorization: `Bearer ${apiKey}` };

async function replicas(bundle: string, fixture: BenchFixture, count: number, partition: string, groups: string[]): Promise<BundleProcess[]> {
  const { [configNames.containerGroup]: _single, ...env } = fixture.serviceEnv;
  const started: BundleProcess[] = [];
  for (let i = 0; i < count; i++) {
    started.push(
      await spawnBundle(bundle, {
        ...env,
        ...fixture.directStorageEnv(partition),
        [configNames.containerGroups]: groups.join(","),
        [configNames.reconcileIntervalMs]: String(plan.reconcileIntervalMs),
        [configNames.logCopyIntervalMs]: String(plan.copyIntervalMs),
      }),
    );
  }
  await Promise.all(started.map((replica) => replica.listening));
  return started;
}

function seedGroups(fixture: BenchFixture, prefix: string, count: number): string[] {
  const groups = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  for (const name of groups) fixture.emulator.putGroup(subscriptionId, resourceGroup, name, demoGroup(), { terminated: true });
  return groups;
}

/**
 * A line printed → readable through GET /logs: the emulator's job prints `line i` at its
 * container's start plus ceil(i * 1000 / rate) ms; the bench polls the log and notes when each
 * line first shows.
 */
async function measureLag(bundle: string, fixture: BenchFixture): Promise<number[]> {
  const [group] = seedGroups(fixture, "job-lag", 1);
  const [service] = await replicas(bundle, fixture, 1, "benchlag", [group!]);
  try {
    const run = await startRun(service!.url, { EMULATOR_LOG_LINES: String(plan.lag.lines), EMULATOR_LOG_LINES_PER_SECOND: String(plan.lag.rate) });
    if (!run.id) throw new Error(`POST /runs answered ${run.status}`);
    const seenAt = new Map<number, number>();
    let startedAt: number | undefined;
    while (seenAt.size < plan.lag.lines) {
      const response = await fetch(`${service!.url}/runs/${run.id}/logs?tail=200`, { headers: auth });
      const now = Date.now();
      const { content } = (await response.json()) as { content: string };
      for (const match of content.matchAll(/^line (\d+)$/gm)) if (!seenAt.has(Number(match[1]))) seenAt.set(Number(match[1]), now);
      if (startedAt === undefined) {
        const shown = (await readRun(service!.url, run.id)).startedAt;
        if (shown !== undefined) startedAt = Date.parse(shown);
      }
      await sleep(plan.lag.pollMs);
    }
    if (startedAt === undefined) throw new Error("the run never showed its start");
    return [...seenAt].map(([i, at]) => at - (startedAt + Math.ceil((i * 1000) / plan.lag.rate)));
  } finally {
    await service!.stop();
  }
}

/** ARM log reads per active run per minute, with `processes` replicas observing the runs. */
async function measureReads(bundle: string, fixture: BenchFixture, processes: number) {
  const groups = seedGroups(fixture, `job-logreads-${processes}`, plan.reads.groups);
  const prefixes = groups.map((name) => `${groupPath(name)}/containers/`);
  const logReads = () =>
    fixture.emulator.requests.filter((request) => request.method === "GET" && request.path.endsWith("/logs") && prefixes.some((prefix) => request.path.startsWith(prefix))).length;
  const started = await replicas(bundle, fixture, processes, `benchlogreads${processes}`, groups);
  try {
    for (let i = 0; i < plan.reads.groups; i++) {
      const run = await startRun(started[0]!.url, { EMULATOR_LOG_LINES: String(plan.reads.lines), EMULATOR_LOG_LINES_PER_SECOND: String(plan.reads.rate), BENCH: String(i) });
      if (run.status !== 202) throw new Error(`POST /runs answered ${run.status}`);
    }
    // Once every run has been copied at least once, count over the window.
    const deadline = performance.now() + 30_000;
    while (logReads() < plan.reads.groups && performance.now() < deadline) await sleep(50);
    const before = logReads();
    const from = performance.now();
    await sleep(plan.reads.windowMs);
    const reads = logReads() - before;
    const minutes = (performance.now() - from) / 60_000;
    return { processes, activeRuns: plan.reads.groups, reads, perRunPerMinute: reads / plan.reads.groups / minutes, expectedPerRunPerMinute: 60_000 / plan.copyIntervalMs };
  } finally {
    for (const replica of started) await replica.stop();
  }
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "aci-trigger-bench-logs-"));
  const fixture = await startBenchFixture(dir);
  try {
    const bundle = await buildBundle(dir);
    const lag = summarize(await measureLag(bundle.path, fixture));
    const reads = [];
    for (const processes of plan.reads.processes) reads.push(await measureReads(bundle.path, fixture, processes));
    process.stdout.write(`${JSON.stringify(rounded({ plan, lagMs: lag, reads }), null, 2)}\n`);
  } finally {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
