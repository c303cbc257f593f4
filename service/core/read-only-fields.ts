import type { WireContainer, WireContainerGroup } from "./arm-types.js";

function withoutInstanceView(container: WireContainer): WireContainer {
  const { instanceView: _instanceView, ...properties } = container.properties;
  return { ...container, properties };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function identityWithoutReadOnly(identity: Record<string, unknown>): Record<string, unknown> {
  const { principalId: _principalId, tenantId: _tenantId, ...rest } = identity;
  const assigned = rest["userAssignedIdentities"];
  if (!isObject(assigned)) return rest;
  const userAssignedIdentities = Object.fromEntries(
    Object.entries(assigned).map(([id, value]) => {
      if (!isObject(value)) return [id, value];
      const { principalId: _p, clientId: _c, ...kept } = value;
      return [id, kept];
    }),
  );
  return { ...rest, userAssignedIdentities };
}

/**
 * A deep copy of the group without the properties ARM computes (FACTS §4), so it can be sent
 * back in a PUT. Everything else, known to this code or not, is kept exactly: an object rebuilt
 * from a list of known fields would silently drop whatever ARM adds next.
 *
 * `provisioningTimeoutInSeconds` and `isCustomProvisioningTimeout` go too: every 2023-05-01 read
 * shows them (1800, false) although the spec does not, and ARM refuses a PUT that sends them
 * back (`CustomProvisioningTimeoutInSecondsNotSuppported`, Azure/terraform-provider-azapi#993).
 */
export function withoutReadOnlyFields(group: WireContainerGroup): WireContainerGroup {
  const { id: _id, name: _name, type: _type, ...resource } = structuredClone(group);
  const {
    provisioningState: _state,
    instanceView: _view,
    provisioningTimeoutInSeconds: _timeout,
    isCustomProvisioningTimeout: _customTimeout,
    ...properties
  } = resource.properties;
  properties.containers = properties.containers.map(withoutInstanceView);
  if (properties.initContainers) properties.initContainers = properties.initContainers.map(withoutInstanceView);
  const ipAddress = properties["ipAddress"];
  if (isObject(ipAddress)) {
    const { fqdn: _fqdn, ...keptAddress } = ipAddress;
    properties["ipAddress"] = keptAddress;
  }
  const result: WireContainerGroup = { ...resource, properties };
  if (isObject(resource.identity)) result.identity = identityWithoutReadOnly(resource.identity);
  return result;
}
