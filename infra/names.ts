import { createHash } from "node:crypto";

/**
 * Names Azure requires to be GUIDs or unique, derived from a stable seed so that every
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

/**
 * The Azure scope a stack deploys into. Names that must be unique in a whole tenant or globally
 * include it, so the same stack name in two subscriptions (or resource groups) does not collide.
 */
export interface DeploymentScope {
  subscriptionId: string;
  resourceGroupName: string;
}

function seedText(seed: NameSeed): string {
  return `aci-http-trigger/${seed.project}/${seed.stack}/${seed.name}`;
}

/** Resource group names are case-insensitive in Azure, so they enter every digest lowercased. */
function scopeText(scope: DeploymentScope): string {
  return `${scope.subscriptionId.toLowerCase()}/${scope.resourceGroupName.toLowerCase()}`;
}

function scopedDigest(seed: NameSeed, purpose: string, scope: DeploymentScope): string {
  return createHash("sha256").update(`${seedText(seed)}/${purpose}/${scopeText(scope)}`).digest("hex");
}

/** The GUID that names the custom role definition of one component instance in one scope. */
export function roleDefinitionGuid(seed: NameSeed, scope: DeploymentScope): string {
  return uuidV5(`${seedText(seed)}/role-definition/${scopeText(scope)}`);
}

/** The role's display name; unique per tenant, so it carries project, stack, instance and scope. */
export function roleName(seed: NameSeed, scope: DeploymentScope): string {
  return `ACI HTTP trigger operator (${seed.project}/${seed.stack}/${seed.name} in ${scope.resourceGroupName}, subscription ${scope.subscriptionId})`;
}

/** A container registry name: 5–50 lowercase letters and digits, globally unique. */
export function registryName(seed: NameSeed, scope: DeploymentScope): string {
  // Kept as first released, so existing stacks keep their registry.
  const digest = createHash("sha256")
    .update(`${seedText(seed)}/${scope.subscriptionId}/${scope.resourceGroupName.toLowerCase()}`)
    .digest("hex");
  return `acitrigger${digest.slice(0, 20)}`;
}

/** A storage account name: 3–24 lowercase letters and digits, globally unique. */
export function storageAccountName(seed: NameSeed, scope: DeploymentScope): string {
  return `acitrigger${scopedDigest(seed, "storage", scope).slice(0, 14)}`;
}

/** Longest part of a worker group name taken from the component's name (ACI allows 63 in all). */
const maxGroupNamePrefix = 40;

/** The component's name made safe for ACI and the standby pool: lowercase letters, digits, single hyphens. */
function namePrefix(seed: NameSeed, maxLength: number): string {
  return (
    seed.name
      .toLowerCase()
      .replaceAll(/[^a-z0-9]+/g, "-")
      .slice(0, maxLength)
      .replaceAll(/^-+|-+$/g, "") || "trigger"
  );
}

/** A digest of the seed and `purpose`: two stacks may share a resource group. */
function seedDigest(seed: NameSeed, purpose: string): string {
  return createHash("sha256").update(`${seedText(seed)}/${purpose}`).digest("hex").slice(0, 8);
}

/**
 * The container group name of pool member `index` (1-based): the component's name made
 * ACI-safe, a digest of the seed (two stacks may share a resource group), and the index. Growing
 * the pool adds names and never renames an existing group.
 */
export function workerGroupName(seed: NameSeed, index: number): string {
  return `${namePrefix(seed, maxGroupNamePrefix)}-${seedDigest(seed, "worker-group")}-${index}`;
}

/** The container group profile's name: at most 63 letters, digits, hyphens and underscores. */
export function containerGroupProfileName(seed: NameSeed): string {
  return `${namePrefix(seed, maxGroupNamePrefix)}-${seedDigest(seed, "worker-profile")}-profile`;
}

/** The standby container group pool's name: 3–24 letters, digits and hyphens. */
export function standbyPoolName(seed: NameSeed): string {
  return `${namePrefix(seed, 10)}-${seedDigest(seed, "standby-pool")}-sp`;
}
