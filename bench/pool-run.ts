import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { measureBarePool } from "./bare-pool.js";
import { buildBundle } from "./bundle.js";
import { measureDispatchReads } from "./dispatch-reads.js";
import { definition, startBenchFixture, type BenchFixture } from "./fixture.js";
import { measurePoolMakespan } from "./pool-makespan.js";
import { buildBundleAt } from "./previous-bundle.js";
import { summarize } from "./stats.js";

// `npm run bench:pool -- [rounds] [commit] [interval ms]`: the pool phase of `npm run bench`
// alone, several rounds (its figures stray far on a loaded machine), then one profile of a
// dispatch cycle. With a commit ("-" for none), the service built at that commit takes a round
// before each round of this tree's, so both meet the same load. Each round ends with the bare
// poller on the same plan: the floor any poller with that interval meets here. The interval is
// the bench's 20 ms unless given.
const rounds = Number(process.argv[2] ?? 5);
const baseCommit = process.argv[3] === "-" ? undefined : process.argv[3];
const pool = { groups: 5, runs: 100, runMs: 50, reconcileIntervalMs: Number(process.argv[4] ?? 20) };
const reads = { queued: [10, 10_000], dispatches: 8, reconcileIntervalMs: 20 };

const dir = await mkdtemp(join(tmpdir(), "aci-trigger-bench-pool-"));
let fixture: BenchFixture | undefined;
try {
  fixture = await startBenchFixture(dir);
  const builds = [...(baseCommit ? [{ name: baseCommit.slice(0, 7), path: (await buildBundleAt(baseCommit, dir)).path }] : []), { name: "this tree", path: (await buildBundle(dir)).path }];
  let partition = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const build of builds) {
      const load = loadavg()[0]!.toFixed(2);
      partition += 1;
      const serviceEnv = { ...fixture.serviceEnv, ...fixture.directStorageEnv(`bench-pool-${partition}`) };
      const m = await measurePoolMakespan({ bundle: build.path, emulator: fixture.emulator, serviceEnv, plan: pool });
      const gaps = summarize(m.dispatchLatenciesMs);
      const [wait, path] = [summarize(m.endToReadMs), summarize(m.readToPutMs)];
      process.stdout.write(
        `pool, ${build.name}, round ${round} (load ${load}): makespan ${m.makespanMs} / ideal ${m.idealMs} ms = ${m.ratio.toFixed(2)} x; first dispatch ${m.firstDispatchMs} ms; ` +
          `gap median ${gaps.median} p99 ${gaps.p99} min ${gaps.min} ms (end → read ${wait.median}, read → PUT ${path.median}); PUTs ${m.puts}; ${JSON.stringify(m.statuses)}\n`,
      );
    }
    const load = loadavg()[0]!.toFixed(2);
    const bare = await measureBarePool({ emulator: fixture.emulator, caFile: fixture.caFile, definition, plan: pool, round });
    const [gaps, wait, path] = [summarize(bare.dispatchLatenciesMs), summarize(bare.endToReadMs), summarize(bare.readToPutMs)];
    process.stdout.write(
      `pool, bare poller (no store, no log copy), round ${round} (load ${load}): makespan ${bare.makespanMs} / ideal ${bare.idealMs} ms = ${bare.ratio.toFixed(2)} x; first dispatch ${bare.firstDispatchMs} ms; ` +
        `gap median ${gaps.median} p99 ${gaps.p99} min ${gaps.min} ms (end → read ${wait.median}, read → PUT ${path.median}); PUTs ${bare.puts}\n`,
    );
  }
  for (const build of builds) {
    for (const d of await measureDispatchReads({ bundle: build.path, emulator: fixture.emulator, tableProxy: fixture.tableProxy, serviceEnv: fixture.serviceEnv, directConnectionString: fixture.azurite.connectionString, plan: { ...reads, partitionPrefix: build.name.replace(/\W/g, "") } })) {
      const per = (n: number) => (n / reads.dispatches).toFixed(1);
      const kinds = Object.entries(d.storeCalls).map(([kind, n]) => `${per(n)} ${kind}`).join(", ");
      const cycle = summarize(d.cycleMs);
      process.stdout.write(
        `dispatch cycle, ${build.name}, ${d.queued} queued: ${cycle.median} ms median (${cycle.min}–${cycle.max}), store busy ${summarize(d.storeMs).median} ms; ` +
          `entities ${summarize(d.entities).mean.toFixed(1)}, requests ${summarize(d.requests).mean.toFixed(1)}: ${kinds}\n`,
      );
    }
  }
} finally {
  await fixture?.close();
  await rm(dir, { recursive: true, force: true });
}
