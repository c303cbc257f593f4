import type { WireContainer } from "./arm-types.js";
import { runIdTagName } from "./carried-run.js";
import { reservedEnvNames, type RunRequest } from "./run-request.js";
import { isWithheldSecureEnv } from "./secrets.js";
import { attemptEnvName, runIdEnvName } from "./trigger-env-names.js";

/** What a claim names besides the run: the deployment's profile, pool and region. */
export interface StandbyTarget {
  location: string;
  profile: { id: string; revision: number };
  pool: string;
}

/** A claim as it travels: nothing but what Azure accepts in one (FACTS §2, §4). */
export interface WireClaim {
  location: string;
  tags: Record<string, string>;
  properties: {
    containers: Array<{ name: string; properties: { configMap: { keyValuePairs: Record<string, string> } } }>;
    containerGroupProfile: { id: string; revision: number };
    standbyPoolProfile: { id: string; failContainerGroupCreateOnReuseFailure: boolean };
  };
}

export type ClaimResult =
  | { ok: true; body: WireClaim }
  /** the request sets a name the profile or ACI_SECRETS holds as a secret: it would travel in plain text */
  | { ok: false; code: "SecureVariableOverride"; names: string[] };

/**
 * The group a run's attempt claims: a valid ACI name (aci/resource-name.ts) derived from the run
 * id, so every replica names it alike and a read-back after an unclear claim finds it; the attempt
 * is part of it, so a retry never meets its predecessor's group while that one is being deleted.
 */
export function standbyGroupName(runId: string, attempt: number): string {
  return `run-${runId.toLowerCase()}-${attempt}`;
}

/** The names of `container`'s env that hold secrets: the profile's secure ones and those ACI_SECRETS restores. */
export function secureNamesOf(container: WireContainer | undefined, configured: Record<string, string> | undefined): Set<string> {
  const names = new Set(Object.keys(configured ?? {}));
  for (const entry of container?.properties.environmentVariables ?? []) {
    if (entry.secureValue !== undefined || isWithheldSecureEnv(entry)) names.add(entry.name);
  }
  return names;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The one PUT that claims a group for a run's attempt from the standby pool. Azure refuses a claim
 * carrying anything but location, tags and each container's config map (FACTS §4), so the run's
 * env and its id travel as the config map of the profile's own container (a map under another name
 * is silently dropped, §5); the profile's launcher exports them before the job starts. A config map
 * is plain text: a secret name is refused, and secrets stay in the profile as secure env.
 * `failContainerGroupCreateOnReuseFailure` is false: an empty pool makes Azure create the group
 * cold from the same profile revision in the same request, and the group's
 * `isCreatedFromStandbyPool` tells which path it took.
 */
export function claimBody(input: {
  runId: string;
  attempt: number;
  request: Pick<RunRequest, "env">;
  target: StandbyTarget;
  /** the profile's target container */
  container: string;
  secureNames: ReadonlySet<string>;
}): ClaimResult {
  const { request, target } = input;
  const env = Object.entries(request.env).filter(([name]) => !reservedEnvNames.has(name));
  const secret = env.map(([name]) => name).filter((name) => input.secureNames.has(name)).sort(byCodeUnit);
  if (secret.length > 0) return { ok: false, code: "SecureVariableOverride", names: secret };
  const keyValuePairs = { ...Object.fromEntries(env), [runIdEnvName]: input.runId, [attemptEnvName]: String(input.attempt) };
  return {
    ok: true,
    body: {
      location: target.location,
      tags: { [runIdTagName]: input.runId },
      properties: {
        containers: [{ name: input.container, properties: { configMap: { keyValuePairs } } }],
        containerGroupProfile: { id: target.profile.id, revision: target.profile.revision },
        standbyPoolProfile: { id: target.pool, failContainerGroupCreateOnReuseFailure: false },
      },
    },
  };
}
