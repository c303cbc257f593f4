import { envNamePattern } from "../aci/env-name.js";
import { aciNamePattern } from "../aci/resource-name.js";
import { serviceTagPrefix } from "../service/core/carried-run.js";
import { isImageReference } from "../service/core/image-reference.js";
import { minApiKeyLength, splitApiKeyEntry } from "../service/core/limits.js";
import { reservedEnvNames } from "../service/core/run-request.js";
import { type DispatchArgsToCheck, dispatchProblems } from "./validate-dispatch.js";

/**
 * Pure checks of the component's arguments, run before any child resource exists so a bad stack
 * configuration fails `pulumi preview` at once with a message naming the key to fix (the
 * component's argument names are also the stack's config keys). Values that are still Outputs or
 * Promises (secrets, above all) cannot be seen yet: the component runs the same checks on them
 * inside an `apply`, which fails the deployment before the resource that needs them is created.
 * The service's own settings are checked with the service's own schema (`serviceSettingProblems`).
 */


/** Service settings a stack may tune; each maps to one of the service's `configNames`. */
export const tunableServiceSettings = [
  "allowedEnvNames",
  "maxEnvCount",
  "maxEnvBytes",
  "maxBodyBytes",
  "armRetryTimeoutMs",
  "armRequestTimeoutMs",
  "maxQueued",
  "runRetentionDays",
  "reconcileIntervalMs",
  "allowCommand",
  "logLevel",
  "defaultTimeoutSeconds",
  "maxTimeoutSeconds",
  "startTimeoutSeconds",
  "defaultMaxRetries",
  "retryBackoffSeconds",
] as const;

export type TunableServiceSetting = (typeof tunableServiceSettings)[number];

/**
 * Most worker groups one stack deploys: each is a container group with its own role assignment,
 * and ACI's default quota is 100 container groups per region and subscription.
 */
export const maxPoolSize = 50;

/** The argument values the checks look at, as the component receives them. */
export interface ArgsToCheck extends DispatchArgsToCheck {
  image?: unknown;
  command?: unknown;
  cpu?: unknown;
  memoryInGB?: unknown;
  containerName?: unknown;
  environment?: unknown;
  secureEnvironment?: unknown;
  serviceImage?: unknown;
  serviceBuild?: unknown;
  apiKeys?: unknown;
  serviceSettings?: unknown;
  poolSize?: unknown;
  tags?: unknown;
}

/** An Output or a Promise: its value is not known while the program runs. */
export function isPending(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  return (
    typeof (value as { then?: unknown }).then === "function" ||
    (value as { __pulumiOutput?: unknown }).__pulumiOutput === true
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkPositive(key: string, value: unknown, unit: string): string[] {
  if (value === undefined || isPending(value)) return [];
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    return [`Invalid "${key}": must be a positive number of ${unit}, got ${JSON.stringify(value)}.`];
  }
  return [];
}

/** Problems with a map of environment variables, named by the config key that holds them. */
export function environmentNameProblems(key: string, names: readonly string[]): string[] {
  return names.flatMap((name) => {
    if (!envNamePattern.test(name)) {
      return [
        `Invalid "${key}": ${JSON.stringify(name)} is not a valid environment variable name ` +
          "(letters, digits and _, not starting with a digit).",
      ];
    }
    if (reservedEnvNames.has(name)) {
      // The service writes these on the worker at each run (the run's id, the bookkeeping of its
      // base), and refuses to start on a base that sets them.
      return [`Invalid "${key}": ${JSON.stringify(name)} is set by the service on each run, never by the stack.`];
    }
    return [];
  });
}

function checkEnvironment(key: string, value: unknown): string[] {
  if (value === undefined || isPending(value)) return [];
  if (!isRecord(value)) return [`Invalid "${key}": must be an object of NAME: value pairs.`];
  const problems = environmentNameProblems(key, Object.keys(value));
  for (const [name, entry] of Object.entries(value)) {
    if (entry !== undefined && !isPending(entry) && typeof entry !== "string") {
      problems.push(`Invalid "${key}": the value of ${JSON.stringify(name)} must be a string.`);
    }
  }
  return problems;
}

/** Names set both as plain and as secure env: ACI accepts only one of `value` and `secureValue`. */
export function overlappingNames(plain: unknown, secure: unknown): string[] {
  if (!isRecord(plain) || !isRecord(secure) || isPending(plain) || isPending(secure)) return [];
  return Object.keys(secure)
    .filter((name) => Object.hasOwn(plain, name))
    .map((name) => `Invalid "secureEnvironment": ${JSON.stringify(name)} is also set in "environment"; a variable is either plain or secure.`);
}

/**
 * Every problem with the worker's env once both maps are known: the checks `argumentProblems`
 * had to skip while `secureEnvironment` (a secret) was still an Output.
 */
export function environmentProblems(plain: Record<string, unknown>, secure: Record<string, unknown>): string[] {
  return [
    ...environmentNameProblems("environment", Object.keys(plain)),
    ...environmentNameProblems("secureEnvironment", Object.keys(secure)),
    ...overlappingNames(plain, secure),
  ];
}

function checkCommand(value: unknown): string[] {
  if (value === undefined || isPending(value)) return [];
  if (!Array.isArray(value) || value.some((part) => !isPending(part) && typeof part !== "string")) {
    return [`Invalid "command": must be a list of strings, e.g. ["python", "job.py"].`];
  }
  return [];
}

function checkImage(value: unknown): string[] {
  if (isPending(value)) return [];
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    return [`Missing "image": the worker's container image is required (pulumi config set image <ref>).`];
  }
  if (typeof value !== "string" || !isImageReference(value)) {
    return [`Invalid "image": must be a container image reference, such as registry.example/team/job:1.4.`];
  }
  return [];
}

function checkContainerName(value: unknown): string[] {
  if (value === undefined || isPending(value)) return [];
  if (typeof value !== "string" || !aciNamePattern.test(value)) {
    return [
      `Invalid "containerName": ${JSON.stringify(value)} must be 1–63 lowercase letters, digits or single hyphens, not starting or ending with a hyphen.`,
    ];
  }
  return [];
}

function checkServiceSource(serviceImage: unknown, serviceBuild: unknown): string[] {
  const hasImage = serviceImage !== undefined;
  const hasBuild = serviceBuild !== undefined;
  if (hasImage && hasBuild) {
    return [`Invalid "serviceImage": give either a ready service image or a build of this repository, not both.`];
  }
  if (!hasImage && !hasBuild) {
    return [`Missing "serviceImage": give a ready service image or a build context for the service.`];
  }
  if (hasImage && !isPending(serviceImage) && (typeof serviceImage !== "string" || serviceImage.trim() === "")) {
    return [`Invalid "serviceImage": must be a container image reference.`];
  }
  return [];
}

/**
 * Problems with the comma-separated bearer keys, by position and never by value: the service
 * refuses keys shorter than `minApiKeyLength` at start, which would crash-loop the Container App.
 */
export function apiKeyProblems(value: string): string[] {
  const keys = value.split(",");
  if (keys.some((key) => !/^[\x21-\x7e]+$/.test(key))) {
    return [`Invalid "apiKeys": must be a comma-separated list of keys of visible ASCII without spaces (they travel in an Authorization header).`];
  }
  return keys.flatMap((entry, index) =>
    splitApiKeyEntry(entry).key.length < minApiKeyLength
      ? [`Invalid "apiKeys": key ${index + 1} of ${keys.length} is shorter than ${minApiKeyLength} characters, the service's minimum.`]
      : [],
  );
}

function checkApiKeys(value: unknown): string[] {
  if (value === undefined || isPending(value)) return [];
  if (typeof value !== "string") return [`Invalid "apiKeys": must be a comma-separated list of keys.`];
  return apiKeyProblems(value);
}

function checkPoolSize(value: unknown): string[] {
  if (value === undefined || isPending(value)) return [];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > maxPoolSize) {
    return [`Invalid "poolSize": must be a whole number of worker groups from 1 to ${maxPoolSize}, got ${JSON.stringify(value)}.`];
  }
  return [];
}

function checkTags(value: unknown): string[] {
  if (value === undefined || isPending(value)) return [];
  if (!isRecord(value)) return [`Invalid "tags": must be an object of name: value pairs.`];
  return Object.entries(value).flatMap(([name, tagValue]) => {
    if (name.toLowerCase().startsWith(serviceTagPrefix)) {
      return [`Invalid "tags": ${JSON.stringify(name)} starts with "${serviceTagPrefix}", which the service keeps for its own tags.`];
    }
    if (!isPending(tagValue) && typeof tagValue !== "string") {
      return [`Invalid "tags": the value of ${JSON.stringify(name)} must be a string.`];
    }
    return [];
  });
}

function checkServiceSettings(value: unknown): string[] {
  if (value === undefined || isPending(value)) return [];
  if (!isRecord(value)) return [`Invalid "serviceSettings": must be an object.`];
  const known: readonly string[] = tunableServiceSettings;
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `Invalid "serviceSettings": unknown setting ${JSON.stringify(key)} (known: ${known.join(", ")}).`);
}

/** Every problem with the arguments, in a stable order; empty when they are usable. */
export function argumentProblems(args: ArgsToCheck): string[] {
  return [
    ...checkImage(args.image),
    ...checkCommand(args.command),
    ...checkPositive("cpu", args.cpu, "cores"),
    ...checkPositive("memoryInGB", args.memoryInGB, "GB"),
    ...checkContainerName(args.containerName),
    ...checkEnvironment("environment", args.environment),
    ...checkEnvironment("secureEnvironment", args.secureEnvironment),
    ...overlappingNames(args.environment, args.secureEnvironment),
    ...checkServiceSource(args.serviceImage, args.serviceBuild),
    ...checkApiKeys(args.apiKeys),
    ...checkServiceSettings(args.serviceSettings),
    ...checkPoolSize(args.poolSize),
    ...checkTags(args.tags),
    ...dispatchProblems(args),
  ];
}
