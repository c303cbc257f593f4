import { createHash } from "node:crypto";

/**
 * Names Azure requires to be GUIDs or globally unique, derived from a stable seed so that every
 * `pulumi up` of the same stack computes the same value: a random name would be replaced on each
 * run, and a custom role definition cannot be re-created under a new GUID while the old one
 * still holds its (tenant-unique) role name.
 */

// RFC 4122 §4.3 name-based UUID (version 5, SHA-1) in the URL namespace (Appendix C).
const urlNamespace = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll("-", ""), "hex");
}

/** RFC 4122 version 5 UUID of `name` in the URL namespace. */
export function uuidV5(name: string): string {
  const hash = createHash("sha1").update(uuidBytes(urlNamespace)).update(name, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Where one component instance lives: two stacks (or two instances) never share a seed. */
export interface NameSeed {
  project: string;
  stack: string;
  /** The component's logical name. */
  name: string;
}

function seedText(seed: NameSeed): string {
  return `aci-http-trigger/${seed.project}/${seed.stack}/${seed.name}`;
}

/** The GUID that names the custom role definition of one component instance. */
export function roleDefinitionGuid(seed: NameSeed): string {
  return uuidV5(`${seedText(seed)}/role-definition`);
}

/** The role's display name; unique per tenant, so it carries project, stack and instance. */
export function roleName(seed: NameSeed): string {
  return `ACI HTTP trigger operator (${seed.project}/${seed.stack}/${seed.name})`;
}

/**
 * A container registry name: 5–50 lowercase letters and digits, globally unique. The subscription
 * and resource group join the seed so the same stack deployed to two subscriptions does not collide.
 */
export function registryName(seed: NameSeed, subscriptionId: string, resourceGroupName: string): string {
  const digest = createHash("sha256")
    .update(`${seedText(seed)}/${subscriptionId}/${resourceGroupName.toLowerCase()}`)
    .digest("hex");
  return `acitrigger${digest.slice(0, 20)}`;
}
