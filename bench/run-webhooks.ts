import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, release, tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle } from "./bundle.js";
import { startBenchFixture, type BenchFixture } from "./fixture.js";
import { rounded } from "./stats.js";
import { measureWebhookDelivery } from "./webhook-delivery.js";
import { webhookPlan } from "./webhook-plan.js";

// `npx tsx bench/run-webhooks.ts`: only the webhook phase of `npm run bench`, same plan, same
// fixture, printed as JSON (the whole bench takes minutes, most of it other phases).
const dir = await mkdtemp(join(tmpdir(), "aci-trigger-bench-webhooks-"));
let fixture: BenchFixture | undefined;
try {
  fixture = await startBenchFixture(dir);
  const bundle = await buildBundle(dir);
  const loadBefore = loadavg();
  const figures = await measureWebhookDelivery(bundle.path, fixture, dir, webhookPlan);
  const machine = { nproc: availableParallelism(), cpu: cpus()[0]?.model ?? "unknown", kernel: release(), node: process.version, loadBefore, loadAfter: loadavg() };
  process.stdout.write(`${JSON.stringify(rounded({ date: new Date().toISOString(), command: "npx tsx bench/run-webhooks.ts", machine, plan: webhookPlan, webhooks: figures }), null, 2)}\n`);
} catch (error) {
  process.stderr.write(`bench: broken: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await fixture?.close();
  await rm(dir, { recursive: true, force: true });
}
