import type { Emulator } from "../../emulator/index.js";
import { emulatorClientEnv, testClientId, testResourceGroup, testSubscriptionId } from "./emulator.js";
import { freshPartition, storageEnv } from "./store.js";

/**
 * The whole environment of a trigger service process aimed at `group` in the emulator's test
 * subscription, under the test client id, keeping its runs in a fresh partition of the shared
 * Azurite, reconciling every 50 ms, copying runs' logs into their archives every 200 ms, logging at debug level (so tests asserting that no secret is
 * ever printed see every line the service can write). `overrides` adds or replaces; processes
 * given the same env share one store, as replicas do.
 */
export function triggerEnv(emulator: Emulator, group: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...emulatorClientEnv(emulator),
    AZURE_SUBSCRIPTION_ID: testSubscriptionId,
    ACI_RESOURCE_GROUP: testResourceGroup,
    ACI_CONTAINER_GROUP: group,
    AZURE_CLIENT_ID: testClientId,
    ...storageEnv(freshPartition()),
    TRIGGER_RECONCILE_INTERVAL_MS: "50",
    TRIGGER_LOG_COPY_INTERVAL_MS: "200",
    LOG_LEVEL: "debug",
    ...overrides,
  };
}
