import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { launcherCommand } from "../aci/config-map.js";
import { startAzurite } from "../emulator/azurite.js";
import { demoGroup, startEmulator, trustCertificate } from "../emulator/index.js";
import { buildBundle } from "./bundle.js";
import { spawnBundle, type BundleProcess } from "./bundle-process.js";
import { apiKey, definition, emulatorEnv, resourceGroup, subscriptionId } from "./fixture.js";
import { secretsOf } from "../service/core/definition-secrets.js";
import { readRun } from "./service-client.js";
import { median } from "./stats.js";

// `npx tsx bench/standby-start.ts`: time from POST /runs to the run's container running, in pool
// mode and in standby mode (a ready pool and an empty one), on the emulator's model of Azure's
// recorded timings — a model, not Azure: claim 4 s, cold create 17 s (standby FACTS §10), and a
// pool group's re-create as the recorded cold create, 6 s Pending (the pull) then 11 s Creating.
const timings = { claimMs: 4_000, coldCreateMs: 17_000, pendingMs: 6_000, creatingMs: 11_000 };
const runsPerMode = 3;
const refillMs = 3_600_000;
const pollMs = 50;

const providers = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers`;
const profileId = `${providers}/Microsoft.ContainerInstance/containerGroupProfiles/bench-worker`;
const poolId = (name: string) => `${providers}/Microsoft.StandbyPool/standbyContainerGroupPools/${name}`;

async function untilRunning(url: string, id: string): Promise<void> {
  for (;;) {
    const run = await readRun(url, id);
    if (run.status === "running") return;
    if (run.status !== "queued" && run.status !== "starting") throw new Error(`run ${id} ended ${run.status}: ${run.message ?? ""}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `runsPerMode` runs started at once; each one's time from its POST to its container running, ms. */
async function startToRunning(proc: BundleProcess): Promise<number[]> {
  return Promise.all(
    Array.from({ length: runsPerMode }, async (_, i) => {
      const began = performance.now();
      const response = await fetch(`${proc.url}/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ env: { EMULATOR_RUN_MS: "600000", N: String(i) } }),
      });
      const started = (await response.json()) as { id?: string; error?: unknown };
      if (response.status !== 202 || !started.id) throw new Error(`POST /runs answered ${response.status}: ${JSON.stringify(started.error)}`);
      await untilRunning(proc.url, started.id);
      return performance.now() - began;
    }),
  );
}

const dir = await mkdtemp(join(tmpdir(), "aci-trigger-standby-bench-"));
let offset = 0;
const emulator = await startEmulator({ clock: () => Date.now() + offset, timings: { pendingMs: timings.pendingMs, creatingMs: timings.creatingMs, runMs: 600_000 }, standby: { claimMs: timings.claimMs, coldCreateMs: timings.coldCreateMs, refillMs } });
const azurite = await startAzurite();
try {
  trustCertificate(emulator.caCertPem);
  const caFile = join(dir, "emulator-ca.pem");
  await writeFile(caFile, emulator.caCertPem);
  const bundle = await buildBundle(dir);
  const groups = Array.from({ length: runsPerMode }, (_, i) => `bench-pool-${i + 1}`);
  for (const group of groups) emulator.putGroup(subscriptionId, resourceGroup, group, demoGroup(), { terminated: true });
  const profile = demoGroup() as { properties: { containers: Array<{ properties: Record<string, unknown> }> } };
  profile.properties.containers[0]!.properties["command"] = [...launcherCommand, "job"];
  emulator.standby.putProfile(subscriptionId, resourceGroup, "bench-worker", profile);
  const pool = (capacity: number) => ({
    location: "westeurope",
    properties: { elasticityProfile: { maxReadyCapacity: capacity, refillPolicy: "always" }, containerGroupProperties: { containerGroupProfile: { id: profileId, revision: 1 } } },
  });
  emulator.standby.putPool(subscriptionId, resourceGroup, "bench-ready", pool(runsPerMode));
  emulator.standby.putPool(subscriptionId, resourceGroup, "bench-empty", pool(0));
  // The ready pool's instances are ready a refill after its PUT; moved before any token is issued.
  offset += refillMs;

  const base = {
    ...emulatorEnv(emulator, caFile),
    TRIGGER_STORAGE_CONNECTION_STRING: azurite.connectionString,
    TRIGGER_RECONCILE_INTERVAL_MS: "100",
  };
  const standby = (pool: string) => ({
    TRIGGER_DISPATCH_MODE: "standby",
    ACI_LOCATION: "westeurope",
    ACI_CONTAINER_GROUP_PROFILE: profileId,
    ACI_CONTAINER_GROUP_PROFILE_REVISION: "1",
    ACI_STANDBY_POOL: poolId(pool),
  });
  const modes: Array<[string, Record<string, string>]> = [
    ["pool", { ACI_CONTAINER_GROUPS: groups.join(","), ACI_SECRETS: JSON.stringify(secretsOf(definition)), TRIGGER_STORAGE_PARTITION: "bench-pool" }],
    ["standby, ready pool", { ...standby("bench-ready"), TRIGGER_STORAGE_PARTITION: "bench-standby-ready" }],
    ["standby, empty pool", { ...standby("bench-empty"), TRIGGER_STORAGE_PARTITION: "bench-standby-empty" }],
  ];
  const results: Record<string, number> = {};
  for (const [mode, env] of modes) {
    const proc = await spawnBundle(bundle.path, { ...base, ...env });
    try {
      await proc.listening;
      const samples = await startToRunning(proc);
      results[mode] = median(samples);
      process.stdout.write(`${mode}: ${samples.map((ms) => (ms / 1000).toFixed(2)).join(", ")} s (median ${(median(samples) / 1000).toFixed(2)} s)\n`);
    } finally {
      await proc.stop();
    }
  }
  const ratio = (a: string, b: string) => ((results[a] ?? 0) / (results[b] ?? 1)).toFixed(2);
  process.stdout.write(`pool / standby (ready): ${ratio("pool", "standby, ready pool")}; standby (empty) / standby (ready): ${ratio("standby, empty pool", "standby, ready pool")}; standby (empty) / pool: ${ratio("standby, empty pool", "pool")}\n`);
} finally {
  await azurite.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
