import { dispatchModes } from "../service/config-variables.js";

/** Most ready groups a standby container group pool may keep (the StandbyPool API's bound). */
export const maxReadyCapacityLimit = 2000;

/** The dispatch arguments the checks look at, as the component receives them. */
export interface DispatchArgsToCheck {
  dispatch?: unknown;
  standby?: unknown;
  command?: unknown;
  poolSize?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function standbyProblems(args: DispatchArgsToCheck): string[] {
  const problems: string[] = [];
  if (args.command === undefined) {
    problems.push(`Missing "command": standby dispatch starts the job through the launcher, which runs the job's command; ACI cannot read an image's entrypoint.`);
  }
  if (args.poolSize !== undefined) {
    problems.push(`Invalid "poolSize": standby dispatch keeps no fixed worker groups; set "standby.maxReadyCapacity" instead.`);
  }
  const standby = isRecord(args.standby) ? args.standby : {};
  if (standby.providerPrincipalId === undefined || standby.providerPrincipalId === "") {
    problems.push(
      `Missing "standby.providerPrincipalId": the object id of the "Standby Pool Resource Provider" service principal of your tenant ` +
        `(az ad sp list --display-name "Standby Pool Resource Provider" --query "[0].id" -o tsv).`,
    );
  }
  const capacity = standby.maxReadyCapacity;
  if (capacity !== undefined && (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 0 || capacity > maxReadyCapacityLimit)) {
    problems.push(`Invalid "standby.maxReadyCapacity": must be a whole number of ready groups from 0 to ${maxReadyCapacityLimit}, got ${JSON.stringify(capacity)}.`);
  }
  return problems;
}

/** Every problem with the dispatch mode and its settings; the service checks `maxActiveGroups` itself. */
export function dispatchProblems(args: DispatchArgsToCheck): string[] {
  const mode = args.dispatch ?? "pool";
  if (!(dispatchModes as readonly unknown[]).includes(mode)) {
    return [`Invalid "dispatch": must be one of ${dispatchModes.map((name) => JSON.stringify(name)).join(", ")}, got ${JSON.stringify(mode)}.`];
  }
  if (mode === "standby") return standbyProblems(args);
  return args.standby === undefined ? [] : [`Invalid "standby": used only with "dispatch": "standby".`];
}
