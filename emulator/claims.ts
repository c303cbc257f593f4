import { asyncOperation, operationApiVersion, type ArmContext } from "./arm-routes.js";
import { claimedBody, claimRefusedMessage, malformedClaim, refusedProperty } from "./claim-body.js";
import { cloudError, type Reply } from "./cloud-error.js";
import { groupId, groupView, type StoredGroup } from "./group-view.js";
import { planRun, type PlannedContainer } from "./lifecycle.js";
import { takeReady } from "./pool-capacity.js";
import { profileNotFound, profileRevision, revisionNotFound } from "./profiles.js";
import { parseStandbyPath, poolType, resourceId, resourceKey, sameResource, type ResourcePath } from "./standby-paths.js";
import { poolNotFound, profileOf } from "./standby-pools.js";
import type { StandbyState, StoredPool } from "./standby-state.js";
import { isObject, objectAt, stringAt, type JsonObject } from "./wire.js";

/**
 * A container group PUT naming `containerGroupProfile` (and usually `standbyPoolProfile`), at an
 * api-version that knows them (standby facts §2–5, §11). With a ready instance in the pool the
 * claim is held `claimMs` and answered 201 with the group already Running and
 * `isCreatedFromStandbyPool: true`; otherwise, unless `failContainerGroupCreateOnReuseFailure`,
 * the group is cold-created from the profile revision (201 Pending, Running `coldCreateMs` later,
 * `isCreatedFromStandbyPool: false`).
 */
export async function claim(context: ArmContext, state: StandbyState, path: ResourcePath, body: unknown, clock: () => number): Promise<Reply> {
  if (!isObject(body)) return invalidContent("The request content was invalid and could not be deserialized.");
  if (typeof body.location !== "string" || body.location === "") return cloudError(400, "LocationRequired", "The location property is required for this definition.");
  if (refusedProperty(body) !== undefined) return cloudError(400, "BadRequest", claimRefusedMessage);
  const malformed = malformedClaim(body);
  if (malformed) return invalidContent(`The request content was invalid and could not be deserialized: '${malformed}'.`);
  const reference = objectAt(body, "properties", "containerGroupProfile") ?? {};
  const profilePath = parseStandbyPath(stringAt(reference, "id") ?? "");
  if (profilePath?.kind !== "profile") return invalidContent(`The container group profile id '${String(reference.id)}' is not a container group profile resource id.`);
  const profile = state.profiles.get(profilePath);
  if (!profile) return profileNotFound(profilePath);
  const revision = profileRevision(profile, reference.revision);
  if (!revision) return revisionNotFound(profilePath, reference.revision);
  // Inferred: a repeated claim (a retried PUT, even while the first is held) finds its group and changes nothing.
  await state.holds.get(resourceKey(path));
  const now = clock();
  const existing = context.store.get(path.subscriptionId, path.resourceGroup, path.name);
  if (existing) return { status: 200, body: groupView(existing, now) };

  const poolReference = objectAt(body, "properties", "standbyPoolProfile");
  let fromPool = false;
  if (poolReference) {
    const poolPath = parseStandbyPath(stringAt(poolReference, "id") ?? "");
    if (poolPath?.kind !== "pool") return invalidContent(`The standby pool id '${String(poolReference.id)}' is not a standby container group pool resource id.`);
    const pool = state.pools.get(poolPath);
    if (!pool) return poolNotFound(poolPath);
    fromPool = serves(state, pool, profilePath, revision.number) && takeReady(pool, now, state.timings.refillMs);
    if (!fromPool && poolReference.failContainerGroupCreateOnReuseFailure === true) return reservationFailed(pool);
  }
  const stored = claimedBody(body, revision.body, { id: String(reference.id), revision: revision.number }, fromPool);
  if (!fromPool) return coldCreate(context, state, path, stored, now);
  const hold = new Promise<void>((resolve) => setTimeout(resolve, state.timings.claimMs));
  state.holds.set(resourceKey(path), hold);
  await hold;
  state.holds.delete(resourceKey(path));
  const at = clock();
  const group = store(context, path, stored, at, 0);
  const operation = state.addOperation("claim", groupId(path.subscriptionId, path.resourceGroup, path.name), at);
  const location = String(stored.location).toLowerCase().replace(/\s+/g, "");
  const link = `${context.baseUrl}/subscriptions/${path.subscriptionId}/providers/Microsoft.ContainerInstance/locations/${location}/operations/${operation.id}?api-version=${operationApiVersion}`;
  return { status: 201, body: groupView(group, at), headers: { "azure-asyncoperation": link } };
}

/** A claim's operation answers at once, Succeeded and without events (recorded). */
export function claimOperationStatus(state: StandbyState, operationId: string): Reply | undefined {
  const operation = state.operation("claim", operationId);
  if (!operation) return undefined;
  return { status: 200, body: { id: operation.resourceId, status: "Succeeded", startTime: new Date(operation.startedAt).toISOString() } };
}

function coldCreate(context: ArmContext, state: StandbyState, path: ResourcePath, body: JsonObject, now: number): Reply {
  const group = store(context, path, body, now, state.timings.coldCreateMs);
  return { status: 201, body: groupView(group, now, "put"), headers: asyncOperation(context, group, now) };
}

/**
 * Stores the group with a run provisioned in `provisionMs` (half Pending, half Creating). A claimed
 * group (0) was provisioned in the pool: no provisioning knob or pull failure in its env applies.
 */
function store(context: ArmContext, path: ResourcePath, body: JsonObject, now: number, provisionMs: number): StoredGroup {
  const pendingMs = Math.floor(provisionMs / 2);
  const timings = { ...context.timings, pendingMs, creatingMs: provisionMs - pendingMs };
  const planned = planRun(body, timings, context.exitCode, now);
  const claimed = (list: PlannedContainer[]) => list.map((c) => ({ ...c, pullFails: false }));
  const run = provisionMs > 0 ? planned : { ...planned, creatingAt: now, readyAt: now, containers: claimed(planned.containers), initContainers: claimed(planned.initContainers) };
  const group: StoredGroup = { ...path, body, run };
  context.store.set(group);
  return group;
}

/** A pool serves a claim only with instances of the same profile and revision (inferred). */
function serves(state: StandbyState, pool: StoredPool, profile: ResourcePath, revision: number): boolean {
  const built = profileOf(state, pool);
  return built !== undefined && sameResource(built.path, profile) && built.number === revision;
}

/**
 * UNVERIFIED: ARM's answer to an empty pool when the claim sets the fail flag is undocumented.
 * The code and the word `InsufficientContainerGroups` are what a third-party sample checks for
 * (standby facts §11, weak); the rest of the text is the emulator's own.
 */
function reservationFailed(pool: StoredPool): Reply {
  return cloudError(400, "StandyPoolReservationFailed", `InsufficientContainerGroups: the standby pool '${resourceId(poolType, pool)}' has no ready container group to reuse, and failContainerGroupCreateOnReuseFailure is set.`);
}

function invalidContent(message: string): Reply {
  return cloudError(400, "InvalidRequestContent", message);
}
