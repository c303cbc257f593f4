import { aciStandbyApiVersion } from "../aci/api-version.js";
import { shapeForVersion } from "./api-versions.js";
import { parseArmPath } from "./arm-paths.js";
import type { ArmContext } from "./arm-routes.js";
import { cloudError, type Reply } from "./cloud-error.js";
import { groupView, type StoredGroup } from "./group-view.js";
import { isTransitioning } from "./lifecycle.js";
import type { StandbyState } from "./standby-state.js";

/**
 * The 2025-09-01 spec makes a group PUT's 201 carry `Location` and `Retry-After` with
 * `final-state-via: location`, where every recorded answer (2023-05-01, 2024-05-01-preview)
 * carries only `Azure-AsyncOperation` (standby facts §3). At 2025-09-01 the emulator sends all
 * three: `Location` is `…/locations/{loc}/operationResults/{id}` of the same operation, 202 while
 * the group provisions and 200 with the group once it is over; `Retry-After` is the seconds left.
 */
export const locationApiVersion = aciStandbyApiVersion;

export function withLocation(context: ArmContext, state: StandbyState, reply: Reply, version: string, now: number): Reply {
  const link = reply.headers?.["azure-asyncoperation"];
  if (version !== locationApiVersion || reply.status !== 201 || !link) return reply;
  const url = new URL(link);
  url.pathname = url.pathname.replace(/\/operations\/([^/]+)$/i, "/operationResults/$1");
  url.searchParams.set("api-version", locationApiVersion);
  const group = groupOf(context, state, url.pathname.split("/").pop() ?? "");
  return { ...reply, headers: { ...reply.headers, location: url.toString(), "retry-after": retryAfter(group, now) } };
}

export function operationResult(context: ArmContext, state: StandbyState, operationId: string, now: number): Reply {
  const group = groupOf(context, state, operationId);
  if (!group) return cloudError(404, "OperationNotFound", `The operation '${operationId}' could not be found.`);
  if (isTransitioning(group.run, now)) return { status: 202, headers: { "retry-after": retryAfter(group, now) } };
  return shapeForVersion({ status: 200, body: groupView(group, now) }, locationApiVersion);
}

/** The group an operation (a create's, or a claim's) was handed out for, if it still exists. */
function groupOf(context: ArmContext, state: StandbyState, operationId: string): StoredGroup | undefined {
  const groupId = context.store.operation(operationId)?.groupId ?? state.operation("claim", operationId)?.resourceId;
  const path = groupId === undefined ? undefined : parseArmPath(groupId);
  return path?.kind === "group" ? context.store.get(path.subscriptionId, path.resourceGroup, path.name) : undefined;
}

function retryAfter(group: StoredGroup | undefined, now: number): string {
  return String(Math.max(0, Math.ceil(((group?.run.readyAt ?? now) - now) / 1000)));
}
