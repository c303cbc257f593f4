import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { WireContainerGroup } from "../core/arm-types.js";
import { aciApiVersion } from "../core/aci-api-version.js";
import type { WireClaim } from "../core/standby-claim.js";
import { isTransitioning, isUnclearOutcome, restErrorOf } from "./arm-errors.js";
import { armClient, deadlineRunner, providersUrl, type ArmPipelineOptions } from "./arm-client.js";

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
  put(group: string, body: WireContainerGroup | WireClaim, deadline?: number): Promise<PutOutcome>;
  /** Stop the group (synchronous in ARM); retried while the group is transitioning. */
  stop(group: string): Promise<void>;
  /**
   * The logs of one container; `tail` limits them to the last N lines, and `timestamps` starts
   * each with the RFC 3339 time ACI received it (what the log archive finds its overlap by).
   */
  logs(group: string, container: string, tail?: number, timestamps?: boolean): Promise<string>;
}

export type { ArmClientOptions } from "./arm-client.js";

export interface ArmPortOptions extends ArmPipelineOptions {
  resourceGroup: string;
  /** The api-version of group reads and PUTs; default `apiVersion`. Standby groups are read and claimed at `aciStandbyApiVersion`. */
  groupApiVersion?: string;
}

/** The real `ArmPort` over the SDK's pipeline, whose one retry loop follows `options.retry`. */
export function createArmPort(options: ArmPortOptions): ArmPort {
  const { retry, resourceGroup } = options;
  const client = armClient(options);
  const groupUrl = (group: string) =>
    `${providersUrl(options, resourceGroup)}Microsoft.ContainerInstance/containerGroups/${encodeURIComponent(group)}?api-version=${options.groupApiVersion ?? apiVersion}`;
  const withinDeadline = deadlineRunner(retry);
  const request = (group: string, method: "GET" | "PUT", signal: AbortSignal, body?: WireContainerGroup | WireClaim) =>
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
