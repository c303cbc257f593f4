import type { WireContainer, WireContainerGroup } from "./arm-types.js";
import { runIdEnvName } from "./trigger-env-names.js";

/** Every tag the service writes on a group starts with this; a stack's own tags must not. */
export const serviceTagPrefix = "trigger-";

/** The tag that names the run a container group is executing; the one tag the service owns. */
export const runIdTagName = `${serviceTagPrefix}run-id`;

/** The container a run targets: the named one, or the group's first. */
export function targetContainer(group: WireContainerGroup, name: string | undefined): WireContainer | undefined {
  const containers = group.properties?.containers ?? [];
  return name === undefined ? containers[0] : containers.find((c) => c.name === name);
}

/** The TRIGGER_RUN_ID a container carries: the mark of a definition the service PUT. */
export function containerRunId(container: WireContainer | undefined): string | undefined {
  return container?.properties.environmentVariables?.find((entry) => entry.name === runIdEnvName)?.value;
}

/**
 * True when the group's definition is the one the service PUT for `runId`: its tag and the
 * target container's TRIGGER_RUN_ID both name the run. Only then does the instance view speak
 * for that run; a group re-created by anyone else (a `pulumi up`, the portal) carries neither.
 */
export function carriesRun(group: WireContainerGroup, runId: string, container: string | undefined): boolean {
  return group.tags?.[runIdTagName] === runId && containerRunId(targetContainer(group, container)) === runId;
}
