import type { WireContainer, WireContainerGroup, WireEnvironmentVariable } from "./arm-types.js";
import { type BaseEnv, encodeBaseEnv, readBaseEnv, secureBaseNames } from "./base-env.js";
import { withoutReadOnlyFields } from "./read-only-fields.js";
import { restoreSecrets } from "./restore-secrets.js";
import { type RunRecord, maxTagCount, runRecordTags } from "./run-record.js";
import { type RunRequest, reservedEnvNames } from "./run-request.js";
import { type AciSecrets, type MissingSecret, isWithheldSecureEnv, missingSecrets } from "./secrets.js";
import { runIdEnvName } from "./trigger-env-names.js";

export type RecreateResult =
  | { ok: true; body: WireContainerGroup }
  | { ok: false; code: "SecretNotConfigured"; missing: MissingSecret[] }
  /** the request sets a name that holds a secure value in the target container */
  | { ok: false; code: "SecureVariableOverride"; names: string[] }
  | { ok: false; code: "ContainerNotFound"; container: string }
  | { ok: false; code: "TooManyTags" }
  /** the target container's bookkeeping var is not one this service wrote (edited by hand) */
  | { ok: false; code: "BaseEnvUnreadable"; container: string };

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The target container's env for one run, in a stable order: the base entries in their own order
 * (a request value replacing a base plain value in place), then the request's new names sorted
 * by code unit, then the run id, then the bookkeeping var carrying the base to the next run.
 */
function runEnv(base: BaseEnv, request: RunRequest, runId: string): WireEnvironmentVariable[] {
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
  return [...fromBase, ...added, { name: runIdEnvName, value: runId }, encodeBaseEnv(base)];
}

function withRun(container: WireContainer, base: BaseEnv, request: RunRequest, runId: string): WireContainer {
  const { command: _current, ...properties } = container.properties;
  const command = request.command ?? base.command;
  return {
    ...container,
    properties: {
      ...properties,
      environmentVariables: runEnv(base, request, runId),
      ...(command ? { command: [...command] } : {}),
    },
  };
}

/**
 * The complete definition that starts one run, for a single PUT — or the reason it cannot be
 * built. ACI cannot update in place: whatever the PUT leaves out reverts, and GET withholds every
 * secret. So the body is the group as read, minus what ARM computes, with every withheld secret
 * put back from `secrets`, the target container's env and command set for this run, and the run
 * record in the tags. Nothing else changes, including properties this code does not know.
 *
 * Nothing carries over between runs: the target container's env before the first trigger run is
 * kept in its bookkeeping var, and each run starts from it. Log Analytics `logType`, `metadata`
 * and `workspaceResourceId` are withheld by GET too; they are put back from
 * `secrets.logAnalyticsSettings` when configured, and otherwise revert to ACI's defaults.
 *
 * Refusals, checked in this order: ContainerNotFound, BaseEnvUnreadable, SecureVariableOverride
 * (names sorted), SecretNotConfigured (every missing secret), TooManyTags.
 */
export function recreate(input: {
  group: WireContainerGroup;
  request: RunRequest;
  secrets: AciSecrets;
  /** default: the first container */
  targetContainer?: string;
  record: RunRecord;
}): RecreateResult {
  const { group, request, secrets, record } = input;
  const containers = group.properties.containers;
  const index =
    input.targetContainer === undefined ? (containers.length > 0 ? 0 : -1) : containers.findIndex((c) => c.name === input.targetContainer);
  const target = containers[index];
  if (!target) return { ok: false, code: "ContainerNotFound", container: input.targetContainer ?? "" };

  const base = readBaseEnv(target);
  if (!base) return { ok: false, code: "BaseEnvUnreadable", container: target.name };

  const secureNames = secureBaseNames(base);
  for (const entry of target.properties.environmentVariables ?? []) {
    if (isWithheldSecureEnv(entry) || entry.secureValue !== undefined) secureNames.add(entry.name);
  }
  const overrides = Object.keys(request.env).filter((name) => secureNames.has(name)).sort(byCodeUnit);
  if (overrides.length > 0) return { ok: false, code: "SecureVariableOverride", names: overrides };

  const body = withoutReadOnlyFields(group);
  body.properties.containers = body.properties.containers.map((c, i) =>
    i === index ? withRun(c, base, request, record.runId) : c,
  );
  const missing = missingSecrets(body, secrets);
  if (missing.length > 0) return { ok: false, code: "SecretNotConfigured", missing };

  const tags = runRecordTags(group.tags, record);
  if (Object.keys(tags).length > maxTagCount) return { ok: false, code: "TooManyTags" };

  return { ok: true, body: { ...restoreSecrets(body, secrets), tags } };
}
