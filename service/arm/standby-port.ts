import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { WireContainer } from "../core/arm-types.js";
import { aciStandbyApiVersion, standbyPoolApiVersion } from "../core/aci-api-version.js";
import { restErrorOf } from "./arm-errors.js";
import { armClient, deadlineRunner, providersUrl, type ArmPipelineOptions } from "./arm-client.js";

/**
 * The calls of the standby dispatch beyond a group's read and claim (which `ArmPort` makes at
 * `aciStandbyApiVersion`): plain REST over the same pipeline, since no npm SDK speaks these
 * api-versions (ACI 2025-09-01, StandbyPool 2025-03-01).
 */
export interface StandbyPort {
  /** Deletes a run's group; one already gone is fine. Safe to repeat. */
  deleteGroup(group: string): Promise<void>;
  /** The containers of the profile revision the runs claim (secure values withheld, as ARM does). */
  profileContainers(): Promise<WireContainer[]>;
  /** How many of the pool's instances are ready to be claimed now (`runtimeViews/latest`). */
  readyInstances(): Promise<number>;
}

export interface StandbyPortOptions extends ArmPipelineOptions {
  resourceGroup: string;
  /** the container group profile's resource id and the revision claimed */
  profile: { id: string; revision: number };
  /** the standby container group pool's resource id */
  pool: string;
}

interface RuntimeView {
  properties?: { instanceCountSummary?: Array<{ instanceCountsByState?: Array<{ state?: string; count?: number }> }> };
}

/** The ready instances a runtime view counts; its states are matched ignoring case (FACTS §7). */
export function readyCount(view: RuntimeView): number {
  const counts = (view.properties?.instanceCountSummary ?? []).flatMap((summary) => summary.instanceCountsByState ?? []);
  return counts.filter((entry) => entry.state?.toLowerCase() === "running").reduce((sum, entry) => sum + (entry.count ?? 0), 0);
}

export function createStandbyPort(options: StandbyPortOptions): StandbyPort {
  const client = armClient(options);
  const withinDeadline = deadlineRunner(options.retry);
  const root = options.endpoint.replace(/\/+$/, "");
  const send = (url: string, method: "GET" | "DELETE", signal: AbortSignal) =>
    client.sendRequest(
      createPipelineRequest({ url, method, timeout: options.retry.timeoutMs, abortSignal: signal, headers: createHttpHeaders({ accept: "application/json" }) }),
    );
  const getJson = async <T>(url: string, signal: AbortSignal): Promise<T> => {
    const response = await send(url, "GET", signal);
    if (response.status !== 200) throw restErrorOf(response);
    return JSON.parse(response.bodyAsText ?? "{}") as T;
  };

  return {
    deleteGroup: (group) =>
      withinDeadline("delete", async (signal) => {
        const url = `${providersUrl(options, options.resourceGroup)}Microsoft.ContainerInstance/containerGroups/${encodeURIComponent(group)}?api-version=${aciStandbyApiVersion}`;
        const response = await send(url, "DELETE", signal);
        // 200/202: deleted or being deleted; 204 (or 404): nothing left to delete.
        if (![200, 202, 204, 404].includes(response.status)) throw restErrorOf(response);
      }),

    profileContainers: () =>
      withinDeadline("read", async (signal) => {
        const { id, revision } = options.profile;
        const profile = await getJson<{ properties?: { containers?: WireContainer[] } }>(`${root}${id}/revisions/${revision}?api-version=${aciStandbyApiVersion}`, signal);
        return profile.properties?.containers ?? [];
      }),

    readyInstances: () =>
      withinDeadline("read", async (signal) => readyCount(await getJson<RuntimeView>(`${root}${options.pool}/runtimeViews/latest?api-version=${standbyPoolApiVersion}`, signal))),
  };
}
