import { cloudError, type Reply } from "./cloud-error.js";
import { stripReadOnly } from "./read-only.js";
import { profileType, resourceId, type ResourcePath, type StandbyPath } from "./standby-paths.js";
import type { StandbyState, StoredProfile } from "./standby-state.js";
import { validateGroup } from "./validation.js";
import { withholdSecrets } from "./withhold-secrets.js";
import { isObject, type JsonObject } from "./wire.js";

const namePattern = /^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/;

/**
 * Container group profiles (standby facts §9): a synchronous PUT (201 with revision 1, then 200;
 * a changed body makes the next revision, an unchanged one keeps it), GET of the latest revision,
 * `revisions` and `revisions/{n}` (immutable snapshots), DELETE (200 without a body, 204 when
 * absent). Answers withhold secrets as group answers do.
 */
export function handleProfile(state: StandbyState, method: string, path: Extract<StandbyPath, { kind: "profile" | "revisions" }>, body: unknown): Reply {
  const profile = state.profiles.get(path);
  if (path.kind === "revisions") {
    if (method !== "GET") return methodNotAllowed(method);
    if (!profile) return profileNotFound(path);
    if (path.revision === undefined) return { status: 200, body: { value: profile.revisions.map((_, i) => profileView(profile, i + 1)) } };
    const revision = Number(path.revision);
    if (!Number.isInteger(revision) || revision < 1 || revision > profile.revisions.length) return revisionNotFound(path, path.revision);
    return { status: 200, body: profileView(profile, revision) };
  }
  if (method === "PUT") return putProfile(state, path, profile, body);
  if (method === "DELETE") {
    if (!profile) return { status: 204 };
    state.profiles.delete(path);
    return { status: 200 };
  }
  if (method !== "GET") return methodNotAllowed(method);
  return profile ? { status: 200, body: profileView(profile, profile.revisions.length) } : profileNotFound(path);
}

/** The revision of a profile a claim or a pool names: its own number, or the latest when it names none. */
export function profileRevision(profile: StoredProfile, revision: unknown): { number: number; body: JsonObject } | undefined {
  const number = revision === undefined ? profile.revisions.length : revision;
  if (typeof number !== "number" || !Number.isInteger(number)) return undefined;
  const body = profile.revisions[number - 1];
  return body ? { number, body } : undefined;
}

export function profileNotFound(path: ResourcePath): Reply {
  return cloudError(404, "ResourceNotFound", `The Resource '${profileType}/${path.name}' under resource group '${path.resourceGroup}' was not found.`);
}

/** The emulator's own code and text: ARM's answer for a missing revision is not recorded. */
export function revisionNotFound(path: ResourcePath, revision: unknown): Reply {
  return cloudError(404, "ContainerGroupProfileRevisionNotFound", `The revision '${String(revision)}' of container group profile '${path.name}' was not found.`);
}

function putProfile(state: StandbyState, path: ResourcePath, profile: StoredProfile | undefined, body: unknown): Reply {
  if (!namePattern.test(path.name)) {
    return cloudError(400, "InvalidResourceName", `The container group profile name '${path.name}' is invalid. It must match '${namePattern.source}'.`);
  }
  const invalid = validateGroup(body, path.name);
  if (invalid || !isObject(body)) return invalid ?? cloudError(400, "InvalidRequestContent", "The request content was invalid.");
  const stored = stripReadOnly(body);
  delete (stored.properties as JsonObject).revision;
  if (!profile) {
    const created: StoredProfile = { subscriptionId: path.subscriptionId, resourceGroup: path.resourceGroup, name: path.name, revisions: [stored] };
    state.profiles.set(created);
    return { status: 201, body: profileView(created, 1) };
  }
  const latest = profile.revisions[profile.revisions.length - 1];
  if (JSON.stringify(latest) !== JSON.stringify(stored)) profile.revisions.push(stored);
  return { status: 200, body: profileView(profile, profile.revisions.length) };
}

function profileView(profile: StoredProfile, revision: number): JsonObject {
  const view = withholdSecrets(profile.revisions[revision - 1] ?? {});
  return { ...view, properties: { ...(isObject(view.properties) ? view.properties : {}), revision }, id: resourceId(profileType, profile), name: profile.name, type: profileType };
}

function methodNotAllowed(method: string): Reply {
  return cloudError(405, "MethodNotAllowed", `The method '${method}' is not allowed on this resource.`);
}
