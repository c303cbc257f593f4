import { arrayAt, clone, isObject, objectAt, stringAt, type JsonObject } from "./wire.js";

/** ARM's answer to a claim carrying anything but config maps (standby facts §4; the code is BadRequest). */
export const claimRefusedMessage = "ContainerGroup properties other than config map are not allowed";

/** What a container group PUT may carry when it names a profile or a pool, level by level. */
const allowedKeys = {
  group: ["location", "tags", "identity", "properties"],
  properties: ["containers", "containerGroupProfile", "standbyPoolProfile", "subnetIds"],
  container: ["name", "properties"],
  containerProperties: ["configMap"],
  configMap: ["keyValuePairs"],
};

/** A PUT that names a container group profile or a standby pool: a claim, or a create from a profile. */
export function isClaim(body: unknown): boolean {
  const properties = objectAt(body, "properties");
  return properties !== undefined && (properties.containerGroupProfile !== undefined || properties.standbyPoolProfile !== undefined);
}

/** The first property a claim may not carry, as a path; undefined when it carries only what is allowed. */
export function refusedProperty(body: JsonObject): string | undefined {
  const extra = (value: unknown, allowed: string[], path: string) => {
    const key = Object.keys(isObject(value) ? value : {}).find((k) => !allowed.includes(k));
    return key === undefined ? undefined : `${path}${key}`;
  };
  const properties = objectAt(body, "properties");
  const found = extra(body, allowedKeys.group, "") ?? extra(properties, allowedKeys.properties, "properties.");
  if (found) return found;
  for (const [index, container] of arrayAt(properties, "containers").entries()) {
    const path = `properties.containers[${index}].`;
    const inner =
      extra(container, allowedKeys.container, path) ??
      extra(objectAt(container, "properties"), allowedKeys.containerProperties, `${path}properties.`) ??
      extra(objectAt(container, "properties", "configMap"), allowedKeys.configMap, `${path}properties.configMap.`);
    if (inner) return inner;
  }
  return undefined;
}

/** What is malformed in a claim's allowed properties, in the words of ARM's deserializer. */
export function malformedClaim(body: JsonObject): string | undefined {
  const properties = objectAt(body, "properties");
  if (!Array.isArray(properties?.containers) || properties.containers.length === 0) return "Required property 'containers' not found in JSON. Path 'properties'.";
  for (const container of arrayAt(properties, "containers")) {
    if (stringAt(container, "name") === undefined) return "Required property 'name' not found in JSON. Path 'properties.containers[]'.";
    const pairs = objectAt(container, "properties", "configMap", "keyValuePairs");
    if (pairs && Object.values(pairs).some((v) => typeof v !== "string")) return "The config map values must be strings. Path 'properties.containers[].properties.configMap.keyValuePairs'.";
  }
  const reference = objectAt(properties, "containerGroupProfile");
  if (stringAt(reference, "id") === undefined) return "Required property 'id' not found in JSON. Path 'properties.containerGroupProfile'.";
  if (reference?.revision !== undefined && !Number.isInteger(reference.revision)) return "The property 'revision' must be an integer. Path 'properties.containerGroupProfile'.";
  const pool = objectAt(properties, "standbyPoolProfile");
  if (properties?.standbyPoolProfile !== undefined && stringAt(pool, "id") === undefined) return "Required property 'id' not found in JSON. Path 'properties.standbyPoolProfile'.";
  return undefined;
}

/**
 * The group a claim makes of a profile revision (standby facts §3, §5): the profile's containers,
 * image, resources, IP and the rest, each container with the claim's config map when the claim
 * names that container (a map under another name is silently dropped, as recorded: the container
 * keeps the profile's own map), the claim's location, tags, identity and subnets, the profile
 * reference, and whether a pool served it. `standbyPoolProfile` is never kept (never echoed).
 */
export function claimedBody(claim: JsonObject, profile: JsonObject, reference: { id: string; revision: number }, fromPool: boolean): JsonObject {
  const built = clone(profile);
  const properties = objectAt(built, "properties") ?? {};
  const claimProperties = objectAt(claim, "properties");
  const maps = new Map(arrayAt(claimProperties, "containers").map((c) => [stringAt(c, "name"), objectAt(c, "properties", "configMap")]));
  for (const container of arrayAt(properties, "containers")) {
    const map = maps.get(stringAt(container, "name"));
    const containerProperties = objectAt(container, "properties");
    if (map && containerProperties) containerProperties.configMap = clone(map);
  }
  if (claimProperties?.subnetIds !== undefined) properties.subnetIds = clone(claimProperties.subnetIds);
  properties.containerGroupProfile = { id: reference.id, revision: reference.revision };
  properties.isCreatedFromStandbyPool = fromPool;
  for (const key of ["location", "tags", "identity"]) if (claim[key] !== undefined) built[key] = clone(claim[key]);
  return { ...built, properties };
}
