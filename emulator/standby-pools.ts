import { standbyPoolApiVersion } from "./api-versions.js";
import { cloudError, type Reply } from "./cloud-error.js";
import { instanceCounts, refill } from "./pool-capacity.js";
import { stripReadOnly } from "./read-only.js";
import { profileRevision } from "./profiles.js";
import { parseStandbyPath, poolType, resourceId, type ResourcePath, type StandbyPath } from "./standby-paths.js";
import type { StandbyState, StoredPool } from "./standby-state.js";
import { isObject, objectAt, stringAt, type JsonObject } from "./wire.js";

const namePattern = /^[a-zA-Z0-9-]{3,24}$/;

export interface PoolRequest {
  method: string;
  body: unknown;
  now: number;
  baseUrl: string;
}

/**
 * Microsoft.StandbyPool's standbyContainerGroupPools (standby facts §7–8, the 2025-03-01 spec):
 * PUT is long-running (201 new / 200 existing, `Azure-AsyncOperation` and `Retry-After`; the
 * provider's provisioningState has no in-progress value, so the pool reads Succeeded at once and
 * its operation answers Succeeded); GET; DELETE is long-running (202 with `Location`,
 * `Azure-AsyncOperation` as the examples show, and `Retry-After`; 204 when absent); and
 * `runtimeViews/latest` only (another view name is NotFound; `runtimeViews` lists the one view).
 */
export function handlePool(state: StandbyState, path: Extract<StandbyPath, { kind: "pool" | "runtimeViews" | "poolOperation" }>, request: PoolRequest): Reply {
  const { method, now } = request;
  if (method !== "GET" && (path.kind !== "pool" || (method !== "PUT" && method !== "DELETE"))) return cloudError(405, "MethodNotAllowed", `The method '${method}' is not allowed on this resource.`);
  if (path.kind === "poolOperation") return operation(state, path);
  const pool = state.pools.get(path);
  if (path.kind === "runtimeViews") {
    if (!pool) return poolNotFound(path);
    if (path.view === undefined) return { status: 200, body: { value: [runtimeView(state, pool, now)] } };
    if (path.view.toLowerCase() !== "latest") return cloudError(404, "NotFound", `The runtime view '${path.view}' of standby container group pool '${pool.name}' was not found; only 'latest' exists.`);
    return { status: 200, body: runtimeView(state, pool, now) };
  }
  if (method === "GET") return pool ? { status: 200, body: poolView(pool) } : poolNotFound(path);
  if (method === "DELETE") {
    if (!pool) return { status: 204 };
    state.pools.delete(pool);
    return { status: 202, headers: operationHeaders(state, pool, request, true) };
  }
  const invalid = validatePool(path, request.body);
  if (invalid || !isObject(request.body)) return invalid ?? badRequest("The request content was invalid.");
  const body = stripReadOnly(request.body);
  const stored: StoredPool = pool ?? { subscriptionId: path.subscriptionId, resourceGroup: path.resourceGroup, name: path.name, body, instances: [] };
  // A pool pinned to another profile or revision replaces its instances with new ones.
  if (JSON.stringify(containerGroupProperties(stored.body)) !== JSON.stringify(containerGroupProperties(body))) stored.instances = [];
  stored.body = body;
  refill(stored, now, state.timings.refillMs);
  state.pools.set(stored);
  return { status: pool ? 200 : 201, body: poolView(stored), headers: operationHeaders(state, stored, request, false) };
}

export function poolNotFound(path: ResourcePath): Reply {
  return cloudError(404, "ResourceNotFound", `The Resource '${poolType}/${path.name}' under resource group '${path.resourceGroup}' was not found.`);
}

/** The profile reference a pool's instances are built from. */
function poolProfile(pool: StoredPool): JsonObject | undefined {
  return objectAt(containerGroupProperties(pool.body), "containerGroupProfile");
}

/** The profile revision a pool's instances are built from, when it exists. */
export function profileOf(state: StandbyState, pool: StoredPool): { path: ResourcePath; number: number } | undefined {
  const reference = poolProfile(pool);
  const path = parseStandbyPath(stringAt(reference, "id") ?? "");
  if (path?.kind !== "profile") return undefined;
  const profile = state.profiles.get(path);
  const revision = profile && profileRevision(profile, reference?.revision);
  return revision ? { path, number: revision.number } : undefined;
}

function containerGroupProperties(body: JsonObject): JsonObject | undefined {
  return objectAt(body, "properties", "containerGroupProperties");
}

function poolView(pool: StoredPool): JsonObject {
  const properties = isObject(pool.body.properties) ? pool.body.properties : {};
  return { ...pool.body, properties: { ...properties, provisioningState: "Succeeded" }, id: resourceId(poolType, pool), name: pool.name, type: poolType };
}

/**
 * The counts use the example's lowercase state names (the enum is capitalised; clients match
 * either). A pool whose profile revision does not exist can create nothing: it shows no instance
 * and reads degraded (the symptom the docs name for a misconfigured pool; the message is the
 * emulator's own).
 */
function runtimeView(state: StandbyState, pool: StoredPool, now: number): JsonObject {
  const buildable = profileOf(state, pool) !== undefined;
  const { running, creating } = buildable ? instanceCounts(pool, now) : { running: 0, creating: 0 };
  const status = buildable
    ? { code: "HealthState/healthy", message: "The pool is healthy." }
    : { code: "HealthState/degraded", message: `The container group profile '${stringAt(poolProfile(pool), "id") ?? ""}' or its revision was not found.` };
  return {
    properties: {
      instanceCountSummary: [{ instanceCountsByState: [{ state: "running", count: running }, { state: "creating", count: creating }, { state: "deleting", count: 0 }] }],
      status,
      provisioningState: "Succeeded",
    },
    id: `${resourceId(poolType, pool)}/runtimeViews/latest`,
    name: "latest",
    type: `${poolType}/runtimeViews`,
  };
}

function operationHeaders(state: StandbyState, pool: StoredPool, request: PoolRequest, deleting: boolean): Record<string, string> {
  const id = resourceId(poolType, pool);
  const operation = state.addOperation("pool", id, request.now);
  const location = String(pool.body.location ?? "").toLowerCase().replace(/\s+/g, "");
  const base = `${request.baseUrl}/subscriptions/${pool.subscriptionId}/providers/Microsoft.StandbyPool/locations/${location}`;
  const headers: Record<string, string> = {
    "azure-asyncoperation": `${base}/operationStatuses/${operation.id}?api-version=${standbyPoolApiVersion}`,
    // The pool is provisioned (or deleted) by the time the answer leaves: poll at once.
    "retry-after": "0",
  };
  if (deleting) headers.location = `${base}/operationResults/${operation.id}?api-version=${standbyPoolApiVersion}`;
  return headers;
}

function operation(state: StandbyState, path: Extract<StandbyPath, { kind: "poolOperation" }>): Reply {
  const found = state.operation("pool", path.operationId);
  if (!found) return cloudError(404, "OperationNotFound", `The operation '${path.operationId}' could not be found.`);
  if (path.result) return { status: 204 };
  const startTime = new Date(found.startedAt).toISOString();
  const id = `/subscriptions/${path.subscriptionId}/providers/Microsoft.StandbyPool/locations/${path.location}/operationStatuses/${found.id}`;
  return { status: 200, body: { id, name: found.id, resourceId: found.resourceId, status: "Succeeded", startTime, endTime: startTime } };
}

/** The spec's constraints (standby facts §8); the texts are the emulator's own. */
function validatePool(path: ResourcePath, body: unknown): Reply | undefined {
  if (!namePattern.test(path.name)) return badRequest(`The standby container group pool name '${path.name}' is invalid. It must match '${namePattern.source}'.`);
  if (!isObject(body)) return badRequest("The request content was invalid and could not be deserialized.");
  if (typeof body.location !== "string" || body.location === "") return cloudError(400, "LocationRequired", "The location property is required for this definition.");
  const elasticity = objectAt(body, "properties", "elasticityProfile");
  const capacity = elasticity?.maxReadyCapacity;
  if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 0 || capacity > 2000) {
    return badRequest("The property 'properties.elasticityProfile.maxReadyCapacity' is required: an integer from 0 to 2000.");
  }
  if (elasticity?.refillPolicy !== undefined && elasticity.refillPolicy !== "always") {
    return badRequest(`The value '${String(elasticity.refillPolicy)}' of 'properties.elasticityProfile.refillPolicy' is invalid. The only allowed value is 'always'.`);
  }
  if (stringAt(body, "properties", "containerGroupProperties", "containerGroupProfile", "id") === undefined) {
    return badRequest("The property 'properties.containerGroupProperties.containerGroupProfile.id' is required.");
  }
  return undefined;
}

function badRequest(message: string): Reply {
  return cloudError(400, "BadRequest", message);
}
