import { randomUUID } from "node:crypto";
import { aciApiVersion } from "../aci/api-version.js";
import type { ArmPath } from "./arm-paths.js";
import { cloudError, notFound, transitioning, type Reply } from "./cloud-error.js";
import { containerLogs } from "./container-logs.js";
import { groupId, groupView, type StoredGroup } from "./group-view.js";
import { groupState, iso, isTransitioning, planRun, provisioningFailure, provisioningState, runEvents, type Timings } from "./lifecycle.js";
import { stripReadOnly } from "./read-only.js";
import type { GroupStore } from "./store.js";
import { validateGroup, validateUpdate } from "./validation.js";
import { isObject } from "./wire.js";

export interface ArmContext {
  store: GroupStore;
  timings: Timings;
  exitCode: number;
  /** Base URL of the emulator, for the Azure-AsyncOperation links it hands out. */
  baseUrl: string;
}

export interface ArmRequest {
  method: string;
  path: ArmPath;
  query: URLSearchParams;
  body: unknown;
}

export const apiVersion = aciApiVersion;
/** The api-version ACI writes into its Azure-AsyncOperation links. */
export const operationApiVersion = "2018-06-01";
const listPageSize = 100;

/** One ARM request against the store, answered as ACI's 2023-05-01 API does (FACTS.md §1–2, §7). */
export function handleArm(context: ArmContext, request: ArmRequest, now: number): Reply {
  const { path, method } = request;
  if (path.kind === "operation") return method === "GET" ? operationStatus(context, path.operationId, now) : methodNotAllowed(method);
  if (path.kind === "list") return method === "GET" ? list(context, request, now) : methodNotAllowed(method);
  const group = context.store.get(path.subscriptionId, path.resourceGroup, path.name);
  if (path.kind === "group" && method === "PUT") return put(context, path, group, request.body, now);
  if (!group) return method === "DELETE" && path.kind === "group" ? { status: 204 } : notFound(path.resourceGroup, path.name);
  if (path.kind === "logs") return method === "GET" ? logs(group, path.container, request.query, now) : methodNotAllowed(method);
  if (path.kind === "group") {
    if (method === "GET") return { status: 200, body: groupView(group, now) };
    if (method === "PATCH") return patchTags(group, request.body, now);
    if (method !== "DELETE") return methodNotAllowed(method);
    if (isTransitioning(group.run, now)) return transitioning(group.name);
    context.store.delete(group.subscriptionId, group.resourceGroup, group.name);
    return { status: 200, body: groupView(group, now) };
  }
  if (method !== "POST") return methodNotAllowed(method);
  if (isTransitioning(group.run, now)) return transitioning(group.name);
  const state = groupState(group.run, now);
  switch (path.action) {
    case "stop":
      // Stopping a group that already finished changes nothing (FACTS.md §7), nor does stopping
      // one whose provisioning failed: nothing in it runs, and its state stays Pending.
      if (state === "Running") group.run = { ...group.run, stoppedAt: now };
      return { status: 204 };
    case "restart":
      // Real ARM answers restart 204 with an Azure-AsyncOperation link (recorded answers).
      group.run = planRun(group.body, context.timings, context.exitCode, now, group.run, { restart: true });
      return { status: 204, headers: asyncOperation(context, group, now) };
    case "start":
      if (state === "Running") return { status: 204 };
      group.run = planRun(group.body, context.timings, context.exitCode, now, group.run);
      return { status: 202, headers: asyncOperation(context, group, now) };
  }
}

/** Common headers of every ARM answer: request ids and the remaining-quota counters. */
export function armHeaders(method: string, location: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-ms-request-id": `${location}:${randomUUID()}`,
    "x-ms-correlation-request-id": randomUUID(),
    "cache-control": "no-cache",
  };
  if (method === "GET") headers["x-ms-ratelimit-remaining-subscription-reads"] = "11999";
  else if (method === "DELETE") headers["x-ms-ratelimit-remaining-subscription-deletes"] = "14999";
  else headers["x-ms-ratelimit-remaining-subscription-writes"] = "1199";
  if (method === "PUT" || method === "DELETE") {
    headers["x-ms-ratelimit-remaining-subscription-resource-requests-pt5m"] = "99";
    headers["x-ms-ratelimit-remaining-subscription-resource-requests-pt1h"] = "299";
  }
  return headers;
}

function put(context: ArmContext, path: { subscriptionId: string; resourceGroup: string; name: string }, existing: StoredGroup | undefined, body: unknown, now: number): Reply {
  const name = existing?.name ?? path.name;
  const invalid = validateGroup(body, name);
  if (invalid || !isObject(body)) return invalid ?? cloudError(400, "InvalidRequestContent", "The request content was invalid.");
  if (existing && isTransitioning(existing.run, now)) return transitioning(name);
  if (existing) {
    const refused = validateUpdate(existing.body, body, name);
    if (refused) return refused;
  }
  const stored = stripReadOnly(body);
  const group: StoredGroup = {
    subscriptionId: existing?.subscriptionId ?? path.subscriptionId,
    resourceGroup: existing?.resourceGroup ?? path.resourceGroup,
    name,
    body: stored,
    run: planRun(stored, context.timings, context.exitCode, now, existing?.run),
  };
  context.store.set(group);
  return { status: existing ? 200 : 201, body: groupView(group, now, "put"), headers: asyncOperation(context, group, now) };
}

export function asyncOperation(context: ArmContext, group: StoredGroup, now: number): Record<string, string> {
  const id = groupId(group.subscriptionId, group.resourceGroup, group.name);
  const operation = context.store.addOperation(id, group.run);
  const location = locationOf(group);
  const url = `${context.baseUrl}/subscriptions/${group.subscriptionId}/providers/Microsoft.ContainerInstance/locations/${location}/operations/${operation.id}?api-version=${operationApiVersion}`;
  return { "azure-asyncoperation": url };
}

function operationStatus(context: ArmContext, operationId: string, now: number): Reply {
  const operation = context.store.operation(operationId);
  if (!operation) return cloudError(404, "OperationNotFound", `The operation '${operationId}' could not be found.`);
  const { run } = operation;
  const failure = provisioningFailure(run, now);
  // The status follows the group's provisioningState (Pending, Creating or Updating, then
  // Succeeded or Failed); core-lro keeps polling any status that is not terminal.
  const status = provisioningState(run, now);
  const events = failure?.events ?? runEvents(run, now);
  const body: Record<string, unknown> = { id: operation.groupId, status, startTime: iso(run.startedAt), properties: { events } };
  // A failed operation's error has a message but no code (FACTS.md §2).
  if (failure) body.error = { message: failure.message };
  return { status: 200, body };
}

function patchTags(group: StoredGroup, body: unknown, now: number): Reply {
  if (!isObject(body)) return cloudError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
  if (body.tags !== undefined && !isObject(body.tags)) return cloudError(400, "InvalidRequestContent", "The tags must be an object of strings.");
  if (body.tags === undefined) delete group.body.tags;
  else group.body.tags = body.tags;
  return { status: 200, body: groupView(group, now, "patch") };
}

function logs(group: StoredGroup, container: string, query: URLSearchParams, now: number): Reply {
  const planned = group.run.containers.find((c) => c.name.toLowerCase() === container.toLowerCase());
  if (!planned) return cloudError(404, "ContainerNotFound", `The container '${container}' in container group '${group.name}' is not found.`);
  const tailText = query.get("tail");
  const tail = tailText === null ? undefined : Number(tailText);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) return cloudError(400, "InvalidParameter", "The 'tail' parameter must be a non-negative integer.");
  const timestamps = query.get("timestamps")?.toLowerCase() === "true";
  return { status: 200, body: { content: containerLogs(group.run, planned, now, { ...(tail === undefined ? {} : { tail }), timestamps }) } };
}

function list(context: ArmContext, request: ArmRequest, now: number): Reply {
  if (request.path.kind !== "list") return methodNotAllowed(request.method);
  const groups = context.store.list(request.path.subscriptionId, request.path.resourceGroup);
  const skip = Math.max(Number(request.query.get("$skipToken") ?? 0) || 0, 0);
  const page = groups.slice(skip, skip + listPageSize).map((g) => groupView(g, now, "list"));
  const body: Record<string, unknown> = { value: page };
  if (skip + listPageSize < groups.length) {
    const base = request.path.resourceGroup === undefined
      ? `/subscriptions/${request.path.subscriptionId}`
      : `/subscriptions/${request.path.subscriptionId}/resourceGroups/${request.path.resourceGroup}`;
    body.nextLink = `${context.baseUrl}${base}/providers/Microsoft.ContainerInstance/containerGroups?api-version=${apiVersion}&$skipToken=${skip + listPageSize}`;
  }
  return { status: 200, body };
}

function methodNotAllowed(method: string): Reply {
  return cloudError(405, "MethodNotAllowed", `The method '${method}' is not allowed on this resource.`);
}

function locationOf(group: StoredGroup): string {
  return String(group.body.location ?? "").toLowerCase().replace(/\s+/g, "");
}
