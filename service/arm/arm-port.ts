import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import type { TokenCredential } from "@azure/identity";
import { createHttpHeaders, createPipelineRequest, isRestError, RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { WireContainerGroup } from "../core/arm-types.js";
import { aciApiVersion } from "../core/aci-api-version.js";
import { fromArmError, isTransitioning, isUnclearOutcome, restErrorOf, type ArmOperation } from "./arm-errors.js";
import { armCallPolicy, type ArmTryObserver } from "./arm-call-policy.js";
import type { ArmRetryOptions } from "./arm-retry.js";
import { armCallDeadline, armRetryPolicy } from "./arm-retry-policy.js";

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
   * each applied PUT restarts the job. Throttling (429: not applied) is waited out, with no try
   * starting after `deadline` (epoch ms; default the call's own deadline from now).
   */
  put(group: string, body: WireContainerGroup, deadline?: number): Promise<PutOutcome>;
  /** Stop the group (synchronous in ARM); retried while the group is transitioning. */
  stop(group: string): Promise<void>;
  /**
   * The logs of one container; `tail` limits them to the last N lines, and `timestamps` starts
   * each with the RFC 3339 time ACI received it (what the log archive finds its overlap by).
   */
  logs(group: string, container: string, tail?: number, timestamps?: boolean): Promise<string>;
}

export interface ArmClientOptions {
  credential: TokenCredential;
  subscriptionId: string;
  endpoint: string;
}

export interface ArmPortOptions extends ArmClientOptions {
  resourceGroup: string;
  /** The retries, timeout and deadline of every call. */
  retry: ArmRetryOptions;
  /** Told of each try of each call (telemetry's ARM call metric). */
  onTry?: ArmTryObserver;
}

/** The real `ArmPort` over the SDK's pipeline, whose one retry loop follows `options.retry`. */
export function createArmPort(options: ArmPortOptions): ArmPort {
  const { retry } = options;
  const client = new ContainerInstanceManagementClient(options.credential, options.subscriptionId, { endpoint: options.endpoint });
  // The client's default retry resends any request after a 5xx or a lost answer, a PUT included.
  client.pipeline.removePolicy({ phase: "Retry" });
  client.pipeline.addPolicy(armRetryPolicy(retry), { phase: "Retry" });
  if (options.onTry) client.pipeline.addPolicy(armCallPolicy(options.onTry), { afterPhase: "Retry" });
  const { resourceGroup } = options;
  const groupUrl = (group: string) =>
    `${options.endpoint.replace(/\/+$/, "")}/subscriptions/${encodeURIComponent(options.subscriptionId)}` +
    `/resourceGroups/${encodeURIComponent(resourceGroup)}` +
    `/providers/Microsoft.ContainerInstance/containerGroups/${encodeURIComponent(group)}` +
    `?api-version=${apiVersion}`;

  // One deadline per port call, shared by every retry's wait (through the retry policy) and
  // every request's own timeout, so no wait can add up past it.
  const withinDeadline = async <T>(operation: ArmOperation, call: (signal: AbortSignal) => Promise<T>, deadline = Date.now() + retry.deadlineMs): Promise<T> => {
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
  const request = (group: string, method: "GET" | "PUT", signal: AbortSignal, body?: WireContainerGroup) =>
    createPipelineRequest({
      url: groupUrl(group),
      method,
      timeout: retry.timeoutMs,
      abortSignal: signal,
      headers: createHttpHeaders({ accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) }),
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const sdkOptions = (signal: AbortSignal) => ({ abortSignal: signal, requestOptions: { timeout: retry.timeoutMs } });

  return {
    read: (group) =>
      withinDeadline("read", async (signal) => {
        // The raw wire body, not the SDK model: the model's mappers drop what they do not know.
        const response = await client.sendRequest(request(group, "GET", signal));
        if (response.status !== 200) throw restErrorOf(response);
        return JSON.parse(response.bodyAsText ?? "{}") as WireContainerGroup;
      }),

    put: (group, body, deadline) =>
      withinDeadline(
        "put",
        async (signal) => {
          let response: PipelineResponse;
          try {
            response = await client.sendRequest(request(group, "PUT", signal, body));
          } catch (error) {
            if (isUnclearOutcome(error) || signal.aborted) return { kind: "unclear" };
            throw error;
          }
          if (response.status === 200 || response.status === 201) return { kind: "accepted" };
          const error = restErrorOf(response);
          if (isTransitioning(error)) return { kind: "transitioning" };
          if (isUnclearOutcome(error)) return { kind: "unclear" };
          throw error;
        },
        deadline,
      ),

    stop: (group) => withinDeadline("stop", (signal) => client.containerGroups.stop(resourceGroup, group, sdkOptions(signal))),

    logs: (group, container, tail, timestamps) =>
      withinDeadline("logs", async (signal) => {
        const logs = await client.containers.listLogs(resourceGroup, group, container, {
          ...sdkOptions(signal),
          ...(tail === undefined ? {} : { tail }),
          ...(timestamps ? { timestamps } : {}),
        });
        return logs.content ?? "";
      }),
  };
}
