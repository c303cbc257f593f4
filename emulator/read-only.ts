import { arrayAt, clone, isObject, objectAt, type JsonObject } from "./wire.js";

/**
 * The body as ARM keeps it: the PUT body minus the read-only fields a client may have sent
 * (FACTS.md §4), which ARM ignores rather than rejects.
 */
export function stripReadOnly(body: JsonObject): JsonObject {
  const stored = clone(body);
  for (const key of ["id", "name", "type"]) delete stored[key];
  const properties = objectAt(stored, "properties");
  if (properties) {
    delete properties.provisioningState;
    delete properties.instanceView;
    for (const list of ["containers", "initContainers"]) {
      for (const container of arrayAt(properties, list)) {
        const containerProperties = objectAt(container, "properties");
        if (containerProperties) delete containerProperties.instanceView;
      }
    }
    const ipAddress = objectAt(properties, "ipAddress");
    if (ipAddress) delete ipAddress.fqdn;
  }
  const identity = objectAt(stored, "identity");
  if (identity) {
    delete identity.principalId;
    delete identity.tenantId;
    const assigned = objectAt(identity, "userAssignedIdentities");
    for (const entry of Object.values(assigned ?? {})) {
      if (isObject(entry)) {
        delete entry.principalId;
        delete entry.clientId;
      }
    }
  }
  return stored;
}
