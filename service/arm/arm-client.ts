import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import type { TokenCredential } from "@azure/identity";
import { isRestError, RestError } from "@azure/core-rest-pipeline";
import { fromArmError, type ArmOperation } from "./arm-errors.js";
import { armCallPolicy, type ArmTryObserver } from "./arm-call-policy.js";
import type { ArmRetryOptions } from "./arm-retry.js";
import { armCallDeadline, armRetryPolicy } from "./arm-retry-policy.js";

export interface ArmClientOptions {
  credential: TokenCredential;
  subscriptionId: string;
  endpoint: string;
}

export interface ArmPipelineOptions extends ArmClientOptions {
  /** The retries, timeout and deadline of every call. */
  retry: ArmRetryOptions;
  /** Told of each try of each call (telemetry's ARM call metric). */
  onTry?: ArmTryObserver;
}

/**
 * The SDK client whose pipeline (credential, retry design, call observer) carries every ARM
 * request of the process, the plain-REST ones (`client.sendRequest`) included.
 */
export function armClient(options: ArmPipelineOptions): ContainerInstanceManagementClient {
  const client = new ContainerInstanceManagementClient(options.credential, options.subscriptionId, { endpoint: options.endpoint });
  // The client's default retry resends any request after a 5xx or a lost answer, a PUT included.
  client.pipeline.removePolicy({ phase: "Retry" });
  client.pipeline.addPolicy(armRetryPolicy(options.retry), { phase: "Retry" });
  if (options.onTry) client.pipeline.addPolicy(armCallPolicy(options.onTry), { afterPhase: "Retry" });
  return client;
}

/** `…/subscriptions/{s}/resourceGroups/{rg}/providers/` of the endpoint, for resource URLs. */
export function providersUrl(options: ArmClientOptions, resourceGroup: string): string {
  return (
    `${options.endpoint.replace(/\/+$/, "")}/subscriptions/${encodeURIComponent(options.subscriptionId)}` +
    `/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/`
  );
}

/**
 * Runs one port call under one deadline, shared by every retry's wait (through the retry policy)
 * and every request's own timeout, so no wait can add up past it; failures leave as domain errors.
 */
export function deadlineRunner(retry: ArmRetryOptions) {
  return async <T>(operation: ArmOperation, call: (signal: AbortSignal) => Promise<T>, deadline = Date.now() + retry.deadlineMs): Promise<T> => {
    // No new try starts after the deadline; one already sent may still finish within its own
    // timeout, so a call that ran out of time ends with ARM's last answer (a 409 or 429: busy),
    // not with an aborted request that says nothing.
    const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now() + retry.timeoutMs));
    try {
      return await armCallDeadline.run(deadline, () => call(signal));
    } catch (error) {
      if (isRestError(error)) throw fromArmError(error, operation);
      if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
        throw fromArmError(new RestError("ARM did not answer in time", {}), operation);
      }
      throw error;
    }
  };
}
