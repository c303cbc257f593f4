import { launcherCommand } from "../aci/config-map.js";

/**
 * The loose shapes of the ARM wire JSON the emulator reads. The emulator stores bodies as sent and
 * only looks at the fields it simulates, so everything is optional and unknown keys survive.
 */
export type JsonObject = Record<string, unknown>;

export interface EnvVar {
  name?: unknown;
  value?: unknown;
  secureValue?: unknown;
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  env: EnvVar[];
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, ...keys: string[]): JsonObject | undefined {
  let current: unknown = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : undefined;
}

export function arrayAt(value: unknown, ...keys: string[]): unknown[] {
  let current: unknown = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return Array.isArray(current) ? current : [];
}

export function stringAt(value: unknown, ...keys: string[]): string | undefined {
  let current: unknown = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return typeof current === "string" ? current : undefined;
}

/** A command that starts with the launcher's words (as one array item each, or in one string). */
function launches(command: string[]): boolean {
  return command.join(" ").startsWith(launcherCommand.join(" "));
}

/**
 * The containers (or init containers) of a group body in the few fields the simulation uses. The
 * env is the one the job sees: a container started through the launcher also gets its config
 * map's pairs (which win over an env var of the same name, as the launcher exports them last).
 */
export function containersOf(body: unknown, list: "containers" | "initContainers" = "containers"): Container[] {
  return arrayAt(body, "properties", list).map((item) => {
    const command = arrayAt(item, "properties", "command").map(String);
    const env = arrayAt(item, "properties", "environmentVariables").filter(isObject) as EnvVar[];
    const pairs = launches(command) ? configMapOf(item) : {};
    return {
      name: stringAt(item, "name") ?? "",
      image: stringAt(item, "properties", "image") ?? "",
      command,
      env: [...env.filter((v) => typeof v.name !== "string" || !Object.hasOwn(pairs, v.name)), ...Object.entries(pairs).map(([name, value]) => ({ name, value }))],
    };
  });
}

/** A container's config map pairs (string values only). */
export function configMapOf(container: unknown): Record<string, string> {
  const pairs = objectAt(container, "properties", "configMap", "keyValuePairs") ?? {};
  return Object.fromEntries(Object.entries(pairs).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** The restart policy ARM applies when the body leaves it out. */
export function restartPolicyOf(body: unknown): string {
  return stringAt(body, "properties", "restartPolicy") ?? "Always";
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
