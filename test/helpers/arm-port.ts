import { createArmPort, type ArmPort, type ArmPortOptions } from "../../service/arm/arm-port.js";
import { armRetryOptions, type ArmRetryOptions } from "../../service/arm/arm-retry.js";
import type { Emulator } from "../../emulator/index.js";
import { armClient, testResourceGroup, testSubscriptionId } from "./emulator.js";

/** The service's retry design with waits shortened for tests: 10 ms → 50 ms apart, a 10 s deadline. */
export function testRetryOptions(overrides: Partial<ArmRetryOptions> = {}): ArmRetryOptions {
  const deadlineMs = overrides.deadlineMs ?? 10_000;
  const design = armRetryOptions({ retryTimeoutMs: deadlineMs, requestTimeoutMs: 5_000 });
  return { ...design, backoff: { initialMs: 10, maxMs: 50 }, ...overrides };
}

/** The service's real ARM port on the emulator, with `retry` (default `testRetryOptions()`). */
export function testArmPort(emulator: Emulator, retry: ArmRetryOptions = testRetryOptions(), groupApiVersion?: string): { arm: ArmPort; options: ArmPortOptions } {
  const { credential } = armClient(emulator);
  const options = { credential, subscriptionId: testSubscriptionId, endpoint: emulator.url, resourceGroup: testResourceGroup, retry };
  const arm = createArmPort({ ...options, ...(groupApiVersion ? { groupApiVersion } : {}) });
  return { arm, options };
}
