import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startAzurite, type Azurite } from "../emulator/azurite.js";
import { demoGroup, startEmulator, trustCertificate, type Emulator } from "../emulator/index.js";
import type { WireContainerGroup } from "../service/core/arm-types.js";
import { configNames } from "../service/config-names.js";
import { secretsOf } from "../service/core/definition-secrets.js";
import { withTableEndpoint } from "./connection-string.js";
import { startCountingProxy, type CountingProxy } from "./counting-proxy.js";

export const subscriptionId = "00000000-0000-0000-0000-00000000be0c";
export const resourceGroup = "rg-bench";
export const clientId = "00000000-0000-0000-0000-0000000000b1";
export const apiKey = "bench-key-0123456789abcdef";
/** The group the service triggers, and an identical one the bare SDK script triggers. */
export const serviceGroupName = "job-service";
export const bareGroupName = "job-bare";

/**
 * The definition both sides re-create: the emulator's realistic demo group (a job with a plain
 * and a secure variable, a sidecar, an Azure Files share and a secret volume), so each PUT
 * carries the secrets ARM withholds, as a real re-create must.
 */
export const definition = demoGroup() as unknown as WireContainerGroup;

/** The partition of the service the overhead, memory and throughput phases measure. */
export const benchPartition = "bench";
/**
 * The reconcile loop's interval for the measured service: the most the service accepts, so the
 * loop runs only when kicked (a run queued, a group freed) and never inside a measured trigger.
 */
export const idleReconcileIntervalMs = 600_000;

export interface BenchFixture {
  emulator: Emulator;
  azurite: Azurite;
  /** In front of Azurite's table endpoint: every table request of the measured service passes it. */
  tableProxy: CountingProxy;
  /** Azurite's connection string with its table endpoint behind `tableProxy`. */
  countedConnectionString: string;
  /** The environment of the service process: the e2e tests' variables, its store behind the proxy. */
  serviceEnv: Record<string, string>;
  /** The store settings for a service keeping its runs in `partition`, straight to Azurite. */
  directStorageEnv(partition: string): Record<string, string>;
  /** The emulator's CA as a PEM file, for processes that must trust it (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  close(): Promise<void>;
}

/**
 * An emulator whose runs end the moment they are accepted (all timings 0), so every trigger finds
 * the previous run over and no sample waits on a simulated container; both groups seeded idle.
 * Its CA goes into `dir` for the service process and into this process's trust store for the
 * bare client. Beside it, Azurite (in memory) for the run store, with a counting proxy in front of
 * its table endpoint.
 */
export async function startBenchFixture(dir: string): Promise<BenchFixture> {
  const emulator = await startEmulator({ timings: { pendingMs: 0, creatingMs: 0, runMs: 0 } });
  const azurite = await startAzurite().catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  const tableUrl = new URL(azurite.tableEndpoint);
  const tableProxy = await startCountingProxy(tableUrl.origin);
  const countedConnectionString = withTableEndpoint(azurite.connectionString, `${tableProxy.origin}${tableUrl.pathname}`);
  const storageEnv = (connectionString: string, partition: string) => ({
    [configNames.storageConnectionString]: connectionString,
    [configNames.storagePartition]: partition,
  });
  trustCertificate(emulator.caCertPem);
  const caFile = join(dir, "emulator-ca.pem");
  await writeFile(caFile, emulator.caCertPem);
  for (const name of [serviceGroupName, bareGroupName]) {
    emulator.putGroup(subscriptionId, resourceGroup, name, demoGroup(), { terminated: true });
  }
  return {
    emulator,
    azurite,
    tableProxy,
    countedConnectionString,
    caFile,
    directStorageEnv: (partition) => storageEnv(azurite.connectionString, partition),
    serviceEnv: {
      NODE_ENV: "production",
      ...emulatorEnv(emulator, caFile),
      ACI_CONTAINER_GROUP: serviceGroupName,
      // The bench measures the service's own cost per trigger, not the start rate limit.
      TRIGGER_MAX_STARTS_PER_MINUTE: "1000000",
      ACI_SECRETS: JSON.stringify(secretsOf(definition)),
      ...storageEnv(countedConnectionString, benchPartition),
      [configNames.reconcileIntervalMs]: String(idleReconcileIntervalMs),
    },
    close: async () => {
      await tableProxy.close();
      await azurite.close();
      await emulator.close();
    },
  };
}

/** What a service process needs to reach `emulator` (trusting its CA in `caFile`) as the bench's caller. */
export function emulatorEnv(emulator: Emulator, caFile: string): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: caFile,
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
    ARM_ENDPOINT: emulator.url,
    AZURE_SUBSCRIPTION_ID: subscriptionId,
    ACI_RESOURCE_GROUP: resourceGroup,
    AZURE_CLIENT_ID: clientId,
    TRIGGER_API_KEYS: apiKey,
  };
}

/** The ARM path of a bench group, as the emulator records it. */
export function groupPath(name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${name}`;
}
