import { createArmPort, type ArmPort } from "../../service/arm/arm-port.js";
import type { Emulator } from "../../emulator/index.js";
import { armClient, testResourceGroup, testSubscriptionId } from "./emulator.js";

/** The service's real ARM port on the emulator, with the SDK's retries shortened for tests. */
export function testArmPort(emulator: Emulator, options: { callBudgetMs?: number; requestTimeoutMs?: number } = {}): { arm: ArmPort } {
  const { credential } = armClient(emulator);
  const arm = createArmPort({
    credential,
    subscriptionId: testSubscriptionId,
    endpoint: emulator.url,
    resourceGroup: testResourceGroup,
    callBudgetMs: options.callBudgetMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    transitioningRetry: { initialDelayMs: 10, maxDelayMs: 50 },
  });
  return { arm };
}
