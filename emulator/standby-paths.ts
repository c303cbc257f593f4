import { armSegments } from "./arm-paths.js";

/**
 * The ARM paths of the standby feature, matched as `arm-paths.ts` matches the group paths (fixed
 * segments ignore case, names are taken as sent): container group profiles and their revisions
 * (Microsoft.ContainerInstance), standby container group pools, their runtime views and their
 * async operations (Microsoft.StandbyPool). Resource ids in a claim body are parsed with it too.
 */
export interface ResourcePath {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export type StandbyPath =
  | ({ kind: "profile" } & ResourcePath)
  | ({ kind: "revisions"; revision?: string } & ResourcePath)
  | ({ kind: "pool" } & ResourcePath)
  | ({ kind: "runtimeViews"; view?: string } & ResourcePath)
  | { kind: "poolOperation"; subscriptionId: string; location: string; operationId: string; result: boolean }
  | { kind: "groupOperationResult"; subscriptionId: string; location: string; operationId: string };

export const profileType = "Microsoft.ContainerInstance/containerGroupProfiles";
export const poolType = "Microsoft.StandbyPool/standbyContainerGroupPools";

export function parseStandbyPath(pathname: string): StandbyPath | undefined {
  const parsed = armSegments(pathname);
  if (!parsed) return undefined;
  const { segments, subscriptionId, fixed, at } = parsed;
  if (fixed(2, "providers") && fixed(3, "microsoft.standbypool") && segments.length === 8 && fixed(4, "locations")) {
    const result = fixed(6, "operationresults");
    if (!result && !fixed(6, "operationstatuses")) return undefined;
    return { kind: "poolOperation", subscriptionId, location: at(5), operationId: at(7), result };
  }
  if (fixed(2, "providers") && fixed(3, "microsoft.containerinstance") && segments.length === 8 && fixed(4, "locations") && fixed(6, "operationresults")) {
    return { kind: "groupOperationResult", subscriptionId, location: at(5), operationId: at(7) };
  }
  if (!fixed(2, "resourcegroups") || !fixed(4, "providers") || segments.length < 8 || at(7) === "") return undefined;
  const resource: ResourcePath = { subscriptionId, resourceGroup: at(3), name: at(7) };
  if (fixed(5, "microsoft.containerinstance") && fixed(6, "containergroupprofiles")) {
    if (segments.length === 8) return { kind: "profile", ...resource };
    if (fixed(8, "revisions") && segments.length <= 10) return { kind: "revisions", ...resource, ...(segments.length === 10 ? { revision: at(9) } : {}) };
    return undefined;
  }
  if (fixed(5, "microsoft.standbypool") && fixed(6, "standbycontainergrouppools")) {
    if (segments.length === 8) return { kind: "pool", ...resource };
    if (fixed(8, "runtimeviews") && segments.length <= 10) return { kind: "runtimeViews", ...resource, ...(segments.length === 10 ? { view: at(9) } : {}) };
  }
  return undefined;
}

export function resourceId(type: string, path: ResourcePath): string {
  return `/subscriptions/${path.subscriptionId}/resourceGroups/${path.resourceGroup}/providers/${type}/${path.name}`;
}

/** ARM compares resource ids ignoring case. */
export function sameResource(a: ResourcePath, b: ResourcePath): boolean {
  return resourceKey(a) === resourceKey(b);
}

export function resourceKey(path: ResourcePath): string {
  return `${path.subscriptionId}/${path.resourceGroup}/${path.name}`.toLowerCase();
}
