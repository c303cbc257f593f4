import { aciApiVersion, aciStandbyApiVersion, standbyPoolApiVersion } from "../aci/api-version.js";
import type { Reply } from "./cloud-error.js";
import { groupType } from "./group-view.js";
import { arrayAt, isObject, objectAt, type JsonObject } from "./wire.js";

/**
 * The api-versions that know container group profiles, standby pool claims and config maps: the
 * stable 2025-09-01 and the preview every recorded claim used (FACTS.md §1 of the standby facts).
 */
export const standbyAciApiVersions = [aciStandbyApiVersion, "2024-05-01-preview"] as const;
/** Every api-version the emulator serves container groups at. */
export const groupApiVersions: readonly string[] = [aciApiVersion, ...standbyAciApiVersions];
export { standbyPoolApiVersion };

export function speaksStandby(version: string): boolean {
  return (standbyAciApiVersions as readonly string[]).includes(version);
}

/**
 * A container group answer as the requested api-version models it: 2023-05-01 has no standby
 * fields, so ARM shows none of them; the newer versions show `isCreatedFromStandbyPool` (false
 * for a group not claimed from a pool) and each container's `configMap` (`{"keyValuePairs": {}}`
 * when it has none), as the 2024-05-01-preview recordings do.
 */
export function shapeForVersion(reply: Reply, version: string): Reply {
  if (!isObject(reply.body)) return reply;
  const items = Array.isArray(reply.body.value) ? reply.body.value : [reply.body];
  for (const item of items) if (isObject(item) && item.type === groupType) shapeGroup(item, speaksStandby(version));
  return reply;
}

function shapeGroup(group: JsonObject, standby: boolean): void {
  const properties = objectAt(group, "properties");
  if (!properties) return;
  if (standby) properties.isCreatedFromStandbyPool ??= false;
  else for (const key of ["isCreatedFromStandbyPool", "containerGroupProfile", "standbyPoolProfile"]) delete properties[key];
  for (const container of arrayAt(properties, "containers")) {
    const containerProperties = objectAt(container, "properties");
    if (!containerProperties) continue;
    if (standby) containerProperties.configMap ??= { keyValuePairs: {} };
    else delete containerProperties.configMap;
  }
}
