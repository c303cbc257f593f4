import { standbyAciApiVersions, standbyPoolApiVersion } from "./api-versions.js";
import type { ArmContext } from "./arm-routes.js";
import { cloudError, type Reply } from "./cloud-error.js";
import { locationApiVersion, operationResult } from "./operation-results.js";
import { handleProfile } from "./profiles.js";
import { parseStandbyPath, type StandbyPath } from "./standby-paths.js";
import { handlePool, type PoolRequest } from "./standby-pools.js";
import type { StandbyState } from "./standby-state.js";

/** A standby path with the api-versions its provider serves and the type ARM names when it does not. */
export interface StandbyRoute {
  path: StandbyPath;
  versions: readonly string[];
  type: string;
}

export function standbyRoute(pathname: string): StandbyRoute | undefined {
  const path = parseStandbyPath(pathname);
  if (!path) return undefined;
  if (path.kind === "profile" || path.kind === "revisions") return { path, versions: standbyAciApiVersions, type: "containerGroupProfiles" };
  if (path.kind === "groupOperationResult") return { path, versions: [locationApiVersion], type: "locations/operationResults" };
  const type = path.kind === "poolOperation" ? "locations/operationStatuses" : "standbyContainerGroupPools";
  return { path, versions: [standbyPoolApiVersion], type };
}

export function handleStandby(state: StandbyState, context: ArmContext, path: StandbyPath, request: PoolRequest): Reply {
  if (path.kind === "profile" || path.kind === "revisions") return handleProfile(state, request.method, path, request.body);
  if (path.kind === "groupOperationResult") {
    return request.method === "GET" ? operationResult(context, state, path.operationId, request.now) : cloudError(405, "MethodNotAllowed", `The method '${request.method}' is not allowed on this resource.`);
  }
  return handlePool(state, path, request);
}
