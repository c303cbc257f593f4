import type { WireContainer, WireContainerGroup } from "./arm-types.js";
import { attemptOf, type RunRecord } from "./run.js";
import { attemptEnvName, runIdEnvName } from "./trigger-env-names.js";

/** Every tag the service writes on a group starts with this; a stack's own tags must not. */
export const serviceTagPrefix = "trigger-";

/** The tag that names the run a container group is executing; the one tag the service owns. */
export const runIdTagName = `${serviceTagPrefix}run-id`;

/** The container a run targets: the named one, or the group's first. */
export function targetContainer(group: WireContainerGroup, name: string | undefined): WireContainer | undefined {
  const containers = group.properties?.containers ?? [];
  return name === undefined ? containers[0] : containers.find((c) => c.name === name);
}

/**
 * A trigger variable the service set on a container: as an env var (a re-created pool group) or
 * in its config map (a group claimed for the run, whose env travels there).
 */
function triggerValue(container: WireContainer | undefined, name: string): string | undefined {
  const env = container?.properties.environmentVariables?.find((entry) => entry.name === name)?.value;
  if (env !== undefined) return env;
  const configMap = container?.properties["configMap"] as { keyValuePairs?: Record<string, string> } | undefined;
  return configMap?.keyValuePairs?.[name];
}

/** The TRIGGER_RUN_ID a container carries: the mark of a definition the service PUT. */
export function containerRunId(container: WireContainer | undefined): string | undefined {
  return triggerValue(container, runIdEnvName);
}

/** The TRIGGER_ATTEMPT a container carries; a definition from before retries carried attempt 1. */
function containerAttempt(container: WireContainer | undefined): number {
  const value = triggerValue(container, attemptEnvName);
  return value === undefined ? 1 : Number(value);
}

/**
 * True when the group's definition is the one the service PUT for the run's current attempt: its
 * tag and the target container's TRIGGER_RUN_ID both name the run, and its TRIGGER_ATTEMPT the
 * attempt. Only then does the instance view speak for that attempt; a group re-created by anyone
 * else (a `pulumi up`, the portal) carries neither, and an earlier attempt's container (which ACI
 * may even restart) never speaks for a later one, so no attempt is counted twice.
 */
export function carriesRun(group: WireContainerGroup, run: Pick<RunRecord, "id" | "attempt">, container: string | undefined): boolean {
  const target = targetContainer(group, container);
  return group.tags?.[runIdTagName] === run.id && containerRunId(target) === run.id && containerAttempt(target) === attemptOf(run);
}
