import type { WireContainer, WireContainerGroup, WireEnvironmentVariable } from "./arm-types.js";
import { withoutReadOnlyFields } from "./read-only-fields.js";
import { restoreSecrets } from "./restore-secrets.js";
import { type RunRequest, reservedEnvNames } from "./run-request.js";
import { type AciSecrets, type MissingSecret, isWithheldSecureEnv, missingSecrets } from "./secrets.js";
import { attemptEnvName, runIdEnvName } from "./trigger-env-names.js";
import { type BaseEnv, secureBaseNames } from "./base-env.js";
import { runIdTagName } from "./carried-run.js";

export type RecreateResult =
  | { ok: true; body: WireContainerGroup }
  | { ok: false; code: "SecretNotConfigured"; missing: MissingSecret[] }
  /** the request sets a name that holds a secure value in the target container */
  | { ok: false; code: "SecureVariableOverride"; names: string[] }
  | { ok: false; code: "ContainerNotFound"; container: string }
  | { ok: false; code: "TooManyTags" };

export type RecreateRefusal = Extract<RecreateResult, { ok: false }>;

/** ARM's limit on tags per resource (FACTS §8). */
export const maxTagCount = 50;

// Tags earlier versions kept the run record in; a re-create drops them.
const legacyTagNames: ReadonlySet<string> = new Set([
  "trigger-run-started",
  "trigger-request-hash",
  "trigger-idempotency-key",
  "trigger-previous-runs",
]);

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The target container's env for one run, in a stable order: the base entries in their own order
 * (a request value replacing a base plain value in place), then the request's new names sorted
 * by code unit, then the run id. Nothing else: the job sees its base, its run's env and its id.
 */
function runEnv(base: BaseEnv, request: RunRequest, runId: string, attempt: number): WireEnvironmentVariable[] {
  const requested = new Map(Object.entries(request.env).filter(([name]) => !reservedEnvNames.has(name)));
  const baseNames = new Set(base.env.map((entry) => entry.name));
  const fromBase = base.env.map((entry) => {
    const value = requested.get(entry.name);
    return value === undefined || isWithheldSecureEnv(entry) ? structuredClone(entry) : { ...structuredClone(entry), value };
  });
  const added = [...requested.keys()]
    .filter((name) => !baseNames.has(name))
    .sort(byCodeUnit)
    .map((name) => ({ name, value: requested.get(name) ?? "" }));
  return [...fromBase, ...added, { name: runIdEnvName, value: runId }, { name: attemptEnvName, value: String(attempt) }];
}

function withRun(container: WireContainer, base: BaseEnv, request: RunRequest, runId: string, attempt: number, image: string | undefined): WireContainer {
  const { command: _current, ...properties } = container.properties;
  const command = request.command ?? base.command;
  return {
    ...container,
    properties: {
      ...properties,
      ...(image === undefined ? {} : { image }),
      environmentVariables: runEnv(base, request, runId, attempt),
      ...(command ? { command: [...command] } : {}),
    },
  };
}

/**
 * The complete definition that starts one run, for a single PUT — or the reason it cannot be
 * built. ACI cannot update in place: whatever the PUT leaves out reverts, and GET withholds every
 * secret. So the body is the group as read, minus what ARM computes, with every withheld secret
 * put back from `secrets`, the target container's env and command set from `base` and the run
 * (and its image from `image`, the one the stack wants now, when given), and the run's id in the
 * one tag the service owns. Nothing else changes, including properties this code does not know.
 *
 * Log Analytics `logType`, `metadata` and `workspaceResourceId` are withheld by GET too; they are
 * put back from `secrets.logAnalyticsSettings` when configured, and otherwise revert to ACI's
 * defaults.
 *
 * Refusals, checked in this order: ContainerNotFound, SecureVariableOverride (names sorted),
 * SecretNotConfigured (every missing secret), TooManyTags.
 */
export function recreateBody(input: {
  group: WireContainerGroup;
  request: RunRequest;
  secrets: AciSecrets;
  /** default: the first container */
  targetContainer?: string;
  base: BaseEnv;
  runId: string;
  /** the run's attempt, set as TRIGGER_ATTEMPT; default 1 */
  attempt?: number;
  /** The image the target container runs from this run on; default the image it has. */
  image?: string;
}): RecreateResult {
  const { group, request, secrets, base, runId, image } = input;
  const attempt = input.attempt ?? 1;
  const containers = group.properties.containers;
  const index =
    input.targetContainer === undefined ? (containers.length > 0 ? 0 : -1) : containers.findIndex((c) => c.name === input.targetContainer);
  const target = containers[index];
  if (!target) return { ok: false, code: "ContainerNotFound", container: input.targetContainer ?? "" };

  const secureNames = secureBaseNames(base);
  for (const entry of target.properties.environmentVariables ?? []) {
    if (isWithheldSecureEnv(entry) || entry.secureValue !== undefined) secureNames.add(entry.name);
  }
  const overrides = Object.keys(request.env).filter((name) => secureNames.has(name)).sort(byCodeUnit);
  if (overrides.length > 0) return { ok: false, code: "SecureVariableOverride", names: overrides };

  const body = withoutReadOnlyFields(group);
  body.properties.containers = body.properties.containers.map((c, i) => (i === index ? withRun(c, base, request, runId, attempt, image) : c));
  const missing = missingSecrets(body, secrets);
  if (missing.length > 0) return { ok: false, code: "SecretNotConfigured", missing };

  const kept = Object.entries(group.tags ?? {}).filter(([name]) => name !== runIdTagName && !legacyTagNames.has(name));
  const tags = { ...Object.fromEntries(kept), [runIdTagName]: runId };
  if (Object.keys(tags).length > maxTagCount) return { ok: false, code: "TooManyTags" };

  return { ok: true, body: { ...restoreSecrets(body, secrets), tags } };
}
