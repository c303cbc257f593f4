import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import type { TokenCredential } from "@azure/identity";
import {
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  RestError,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { WireContainerGroup } from "../core/arm-types.js";
import { aciApiVersion } from "../core/aci-api-version.js";
import { fromArmError, isTransitioning, isUnclearOutcome, type ArmOperation } from "./arm-errors.js";
import { armCallDeadline, RetryAfterTooLongError, retryAfterCapPolicy, retryAfterSeconds } from "./retry-after-cap.js";
import { retryWhileTransitioning, type TransitioningRetryOptions } from "./transitioning-retry.js";

/** The api-version of every request; the SDK 9.x targets it, and the re-create is built for it. */
export const apiVersion = aciApiVersion;

/** What became of the one PUT that starts a run. */
export type PutOutcome =
  /** ARM answered 200/201: the definition is accepted and the run is starting */
  | { kind: "accepted" }
  /** no clear answer (dropped, timed out, 5xx): read the group to learn whether it applied */
  | { kind: "unclear" }
  /** ARM refused it as transitioning: nothing applied; read the group and decide again */
  | { kind: "transitioning" };

/**
 * The only way the service reaches ARM, for any group of its pool. Every failure leaves as a
 * `ServiceError` with a domain code, so nothing outside `arm/` inspects a `RestError`.
 */
export interface ArmPort {
  /** GET the group as raw wire JSON; secret values are absent, as ARM never returns them. */
  read(group: string): Promise<WireContainerGroup>;
  /**
   * Sends one PUT, never resent blindly: a lost answer or a 5xx may follow an applied PUT, and
   * each applied PUT restarts the job. Throttling (429: not applied) is waited out within budget.
   */
  put(group: string, body: WireContainerGroup): Promise<PutOutcome>;
  /** Stop the group (synchronous in ARM); retried while the group is transitioning. */
  stop(group: string): Promise<void>;
  /** The logs of one container; `tail` limits them to the last N lines. */
  logs(group: string, container: string, tail?: number): Promise<string>;
}

export interface ArmClientOptions {
  credential: TokenCredential;
  subscriptionId: string;
  endpoint: string;
}

export interface ArmPortOptions extends ArmClientOptions {
  resourceGroup: string;
  /** How long one port call may go on starting attempts, waits and retries included. */
  callBudgetMs: number;
  /** How long one HTTP request may take before it is abandoned. */
  requestTimeoutMs: number;
  /** The waits between retries of a transitioning group. */
  transitioningRetry?: Pick<TransitioningRetryOptions, "initialDelayMs" | "maxDelayMs">;
  /** The SDK's own retry of safe requests; tests shorten it. */
  retryOptions?: { retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/** The real `ArmPort` over the SDK's pipeline: one client that retries safe calls, one that never retries. */
export function createArmPort(options: ArmPortOptions): ArmPort {
  const base = {
    endpoint: options.endpoint,
    additionalPolicies: [{ policy: retryAfterCapPolicy(), position: "perRetry" as const }],
  };
  const client = new ContainerInstanceManagementClient(options.credential, options.subscriptionId, {
    ...base,
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  });
  // The PUT's own client: the SDK's retry policy would resend a PUT whose answer was lost.
  const putClient = new ContainerInstanceManagementClient(options.credential, options.subscriptionId, {
    ...base,
    retryOptions: { maxRetries: 0 },
  });
  const { resourceGroup } = options;
  const groupUrl = (group: string) =>
    `${options.endpoint.replace(/\/+$/, "")}/subscriptions/${encodeURIComponent(options.subscriptionId)}` +
    `/resourceGroups/${encodeURIComponent(resourceGroup)}` +
    `/providers/Microsoft.ContainerInstance/containerGroups/${encodeURIComponent(group)}` +
    `?api-version=${apiVersion}`;

  // One deadline per port call, shared by the SDK's throttling retries (through the cap policy),
  // the retries of a transitioning group and every request's own timeout, so no wait can add up
  // past the budget.
  const withinBudget = async <T>(operation: ArmOperation, call: (deadline: number, signal: AbortSignal) => Promise<T>): Promise<T> => {
    const deadline = Date.now() + options.callBudgetMs;
    // No new attempt starts after the deadline; one already sent may still finish within its own
    // timeout, so a call that ran out of budget ends with ARM's last answer (a 409 or 429: busy),
    // not with an aborted request that says nothing.
    const signal = AbortSignal.timeout(Math.max(1, options.callBudgetMs + options.requestTimeoutMs));
    try {
      return await armCallDeadline.run(deadline, () => call(deadline, signal));
    } catch (error) {
      if (error instanceof RetryAfterTooLongError) throw fromArmError(armError(error.response), operation);
      if (isRestError(error)) throw fromArmError(error, operation);
      if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
        throw fromArmError(new RestError("ARM did not answer in time", {}), operation);
      }
      throw error;
    }
  };
  const request = (group: string, method: "GET" | "PUT", signal: AbortSignal, body?: WireContainerGroup) =>
    createPipelineRequest({
      url: groupUrl(group),
      method,
      timeout: options.requestTimeoutMs,
      abortSignal: signal,
      headers: createHttpHeaders({ accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) }),
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const sdkOptions = (signal: AbortSignal) => ({ abortSignal: signal, requestOptions: { timeout: options.requestTimeoutMs } });

  return {
    read: (group) =>
      withinBudget("read", async (_deadline, signal) => {
        // The raw wire body, not the SDK model: the model's mappers drop what they do not know.
        const response = await client.sendRequest(request(group, "GET", signal));
        if (response.status !== 200) throw armError(response);
        return JSON.parse(response.bodyAsText ?? "{}") as WireContainerGroup;
      }),

    put: (group, body) =>
      withinBudget("put", async (deadline, signal) => {
        for (;;) {
          let response: PipelineResponse;
          try {
            response = await putClient.sendRequest(request(group, "PUT", signal, body));
          } catch (error) {
            if (isUnclearOutcome(error) || signal.aborted) return { kind: "unclear" };
            throw error;
          }
          if (response.status === 200 || response.status === 201) return { kind: "accepted" };
          const error = armError(response);
          if (isTransitioning(error)) return { kind: "transitioning" };
          if (response.status === 429) {
            // Throttled requests were not applied: waiting and sending again is safe.
            const waitMs = (retryAfterSeconds(response) ?? 1) * 1000;
            if (Date.now() + waitMs > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, waitMs));
            continue;
          }
          if (isUnclearOutcome(error)) return { kind: "unclear" };
          throw error;
        }
      }),

    stop: (group) =>
      withinBudget("stop", (deadline, signal) =>
        retryWhileTransitioning(() => client.containerGroups.stop(resourceGroup, group, sdkOptions(signal)), {
          deadline,
          ...options.transitioningRetry,
        }),
      ),

    logs: (group, container, tail) =>
      withinBudget("logs", async (_deadline, signal) => {
        const logs = await client.containers.listLogs(resourceGroup, group, container, {
          ...sdkOptions(signal),
          ...(tail === undefined ? {} : { tail }),
        });
        return logs.content ?? "";
      }),
  };
}

/** The `RestError` the SDK would have thrown for an ARM error response. */
function armError(response: PipelineResponse): RestError {
  let code: string | undefined;
  let message = `ARM answered ${response.status}`;
  try {
    const body = JSON.parse(response.bodyAsText ?? "") as { error?: { code?: string; message?: string } };
    code = body.error?.code;
    message = body.error?.message ?? message;
  } catch {
    // A body that is not a CloudError leaves the status as the only fact.
  }
  return new RestError(message, { statusCode: response.status, response, request: response.request, ...(code ? { code } : {}) });
}
