import type { Emulator } from "../../emulator/index.js";
import { emulatorClientEnv, testClientId, testResourceGroup, testSubscriptionId } from "./emulator.js";

/**
 * The whole environment of a trigger service process aimed at `group` in the emulator's test
 * subscription, under the test client id, logging at debug level (so tests asserting that no
 * secret is ever printed see every line the service can write). `overrides` adds or replaces.
 */
export function triggerEnv(emulator: Emulator, group: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...emulatorClientEnv(emulator),
    AZURE_SUBSCRIPTION_ID: testSubscriptionId,
    ACI_RESOURCE_GROUP: testResourceGroup,
    ACI_CONTAINER_GROUP: group,
    AZURE_CLIENT_ID: testClientId,
    LOG_LEVEL: "debug",
    ...overrides,
  };
}
