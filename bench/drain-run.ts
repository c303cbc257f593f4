import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle } from "./bundle.js";
import { measureDeepDrain } from "./deep-drain.js";
import { startBenchFixture, type BenchFixture } from "./fixture.js";
import { buildBundleAt } from "./previous-bundle.js";

// `npm run bench:drain -- [queued] [groups] [processes] [commit]`: the full drain (10,000
// queued runs, 50 groups, three service processes by default), too long for the test suite,
// whose deep-queue test drains the oldest runs only. With a commit, the service built there.
const [queued = 10_000, groups = 50, processes = 3] = process.argv.slice(2, 5).map(Number);
const commit = process.argv[5];
const plan = { queued, groups, processes, reconcileIntervalMs: 50 };

const dir = await mkdtemp(join(tmpdir(), "aci-trigger-bench-drain-"));
let fixture: BenchFixture | undefined;
try {
  fixture = await startBenchFixture(dir);
  const bundle = commit ? await buildBundleAt(commit, dir) : await buildBundle(dir);
  const load = loadavg().map((l) => l.toFixed(2)).join(", ");
  const drain = await measureDeepDrain({ bundle: bundle.path, emulator: fixture.emulator, serviceEnv: fixture.serviceEnv, connectionString: fixture.azurite.connectionString, plan });
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), build: commit ?? "this tree", loadAtStart: load, ...drain, putsPerSecond: Math.round(drain.puts / (drain.drainMs / 1000)) })}\n`);
} finally {
  await fixture?.close();
  await rm(dir, { recursive: true, force: true });
}
