import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoGroup, startEmulator, type StandbyTimings } from "./index.js";

/**
 * Runs the emulator alone: seeds the demo group and prints, as JSON log lines, what a client
 * needs (ARM endpoint, IDENTITY_ENDPOINT, IDENTITY_HEADER, NODE_EXTRA_CA_CERTS).
 * Env: EMULATOR_PORT (default 0), AZURE_SUBSCRIPTION_ID, ACI_RESOURCE_GROUP, ACI_CONTAINER_GROUP;
 * EMULATOR_CLAIM_MS, EMULATOR_COLD_CREATE_MS, EMULATOR_REFILL_MS (the standby timings, in ms).
 */
const subscriptionId = process.env.AZURE_SUBSCRIPTION_ID ?? "00000000-0000-0000-0000-000000000000";
const resourceGroup = process.env.ACI_RESOURCE_GROUP ?? "demo-rg";
const containerGroup = process.env.ACI_CONTAINER_GROUP ?? "demo-job";

const standbyKnobs = { claimMs: "EMULATOR_CLAIM_MS", coldCreateMs: "EMULATOR_COLD_CREATE_MS", refillMs: "EMULATOR_REFILL_MS" } as const;
const standby: Partial<StandbyTimings> = {};
for (const [key, name] of Object.entries(standbyKnobs) as Array<[keyof StandbyTimings, string]>) {
  const raw = process.env[name];
  if (raw === undefined) continue;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < 0) {
    console.error(JSON.stringify({ level: "error", msg: `${name} must be a whole number of milliseconds, 0 or more` }));
    process.exit(1);
  }
  standby[key] = value;
}

const emulator = await startEmulator({ port: Number(process.env.EMULATOR_PORT ?? 0), standby });
const dir = mkdtempSync(join(tmpdir(), "aci-emulator-"));
const caFile = join(dir, "ca.pem");
writeFileSync(caFile, emulator.caCertPem);
emulator.putGroup(subscriptionId, resourceGroup, containerGroup, demoGroup(), { terminated: true });

const log = (msg: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ level: "info", msg, ...fields }));
log("emulator listening", { armEndpoint: emulator.url, subscriptionId, resourceGroup, containerGroup });
log("client environment", {
  ARM_ENDPOINT: emulator.url,
  IDENTITY_ENDPOINT: emulator.identityEndpoint,
  IDENTITY_HEADER: emulator.identityHeader,
  NODE_EXTRA_CA_CERTS: caFile,
});

const shutdown = (signal: string) => {
  log("emulator stopping", { signal });
  void emulator.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
