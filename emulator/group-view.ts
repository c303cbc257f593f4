import { createHash } from "node:crypto";
import { containerView, groupState, provisioningState, type Run } from "./lifecycle.js";
import { withholdSecrets } from "./withhold-secrets.js";
import { arrayAt, isObject, objectAt, stringAt, type JsonObject } from "./wire.js";

/** A group as the emulator keeps it: the last PUT body (secrets included) and its current run. */
export interface StoredGroup {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  body: JsonObject;
  run: Run;
}

export const groupType = "Microsoft.ContainerInstance/containerGroups";
const tenantId = "00000000-0000-0000-0000-00000000e7e7";

export function groupId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${groupType}/${name}`;
}

/**
 * The group as ARM's GET shows it at `now`: secrets withheld, read-only fields (id, state,
 * instance views, identity ids, fqdn) filled in, the defaults ARM applies (restartPolicy Always,
 * sku Standard) spelled out, and empty lists as `[]`. A list item has no group-level instanceView.
 */
export function groupView(group: StoredGroup, now: number, options: { listItem?: boolean } = {}): JsonObject {
  const id = groupId(group.subscriptionId, group.resourceGroup, group.name);
  const view = withholdSecrets(group.body);
  const properties = objectAt(view, "properties") ?? {};
  properties.sku ??= "Standard";
  properties.restartPolicy ??= "Always";
  properties.provisioningState = provisioningState(group.run, now);
  properties.initContainers ??= [];
  properties.imageRegistryCredentials ??= [];
  for (const list of ["containers", "initContainers"] as const) {
    const planned = group.run[list];
    for (const container of arrayAt(properties, list)) {
      const containerProperties = objectAt(container, "properties");
      if (!containerProperties) continue;
      containerProperties.command ??= [];
      containerProperties.environmentVariables ??= [];
      const plan = planned.find((p) => p.name === stringAt(container, "name"));
      if (plan) containerProperties.instanceView = containerView(group.run, plan, now);
    }
  }
  if (!options.listItem) properties.instanceView = { events: [], state: groupState(group.run, now) };
  const ipAddress = objectAt(properties, "ipAddress");
  if (ipAddress) {
    ipAddress.ip ??= `20.50.${hashByte(id, 0)}.${hashByte(id, 1)}`;
    const label = stringAt(ipAddress, "dnsNameLabel");
    if (label) ipAddress.fqdn = `${label}.${String(view.location).toLowerCase()}.azurecontainer.io`;
  }
  fillIdentity(view, id);
  return { id, name: group.name, type: groupType, ...view, properties };
}

function fillIdentity(view: JsonObject, id: string): void {
  const identity = objectAt(view, "identity");
  if (!identity) return;
  if (String(identity.type ?? "").includes("SystemAssigned")) {
    identity.principalId = uuidFrom(`${id}#system`);
    identity.tenantId = tenantId;
  }
  const assigned = objectAt(identity, "userAssignedIdentities");
  for (const [resourceId, entry] of Object.entries(assigned ?? {})) {
    if (assigned) assigned[resourceId] = { ...(isObject(entry) ? entry : {}), principalId: uuidFrom(`${resourceId}#principal`), clientId: uuidFrom(`${resourceId}#client`) };
  }
}

function uuidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed.toLowerCase()).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function hashByte(seed: string, index: number): number {
  return (createHash("sha256").update(seed.toLowerCase()).digest()[index] ?? 0) % 250 + 2;
}
