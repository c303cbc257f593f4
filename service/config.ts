import { isIP } from "node:net";
import * as z from "zod";
import { ConfigError } from "./config-error.js";
import { isImageReference } from "./core/image-reference.js";
import { type WantedBase, wantedBaseSchema } from "./core/wanted-base.js";
import { type ConfigName, configNames } from "./config-names.js";
import { type AuthConfig, isGuid, readAuth } from "./http/auth-config.js";
import { envNamePattern, reservedEnvNames, type RunRequestLimits } from "./core/run-request.js";
import { type AciSecrets, aciSecretsSchema } from "./core/secrets.js";

export { ConfigError } from "./config-error.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** The service's whole configuration, parsed once from the environment at start. */
export interface Config {
  port: number;
  subscriptionId: string;
  resourceGroup: string;
  /** the pool: every group a run may be dispatched to, in the order they are tried */
  containerGroups: string[];
  /** default: the group's first container */
  container?: string;
  /**
   * The image the target container runs from the next run on. The stack sets it so an image
   * rollout never PUTs a group (which would end the run on it); unset: the image the group has.
   */
  containerImage?: string;
  /**
   * The target container's env and command before any run, as the stack defines them; each run
   * starts from it. Unset: the base the service learned from the group.
   */
  containerBase?: WantedBase;
  /** the user-assigned identity to authenticate as */
  clientId?: string;
  armEndpoint: string;
  auth: AuthConfig;
  /** The address to listen on; unset: all interfaces, or loopback only when unauthenticated. */
  listenAddress?: string;
  secrets: AciSecrets;
  limits: RunRequestLimits & { maxBodyBytes: number };
  rateLimits: RateLimits;
  armRetryTimeoutMs: number;
  armRequestTimeoutMs: number;
  storage: { kind: "connectionString"; connectionString: string } | { kind: "account"; account: string };
  /** the table partition of this deployment's runs; default the resource group's name */
  storagePartition: string;
  /** 0: no queue */
  maxQueued: number;
  runRetentionDays: number;
  reconcileIntervalMs: number;
  logLevel: LogLevel;
}

/** Per-process limits on who may try how often. */
export interface RateLimits {
  /** Starts admitted per minute, all callers together. */
  maxStartsPerMinute: number;
  /** Failed authentications one client may make per minute before it gets 429. */
  maxFailedAuthPerMinute: number;
  /** Proxies in front of the service that append to X-Forwarded-For (Container Apps ingress: 1). */
  trustedProxyHops: number;
}

export const defaultRateLimits: RateLimits = { maxStartsPerMinute: 60, maxFailedAuthPerMinute: 20, trustedProxyHops: 0 };

const defaults = {
  port: 8080,
  armEndpoint: "https://management.azure.com",
  maxEnvCount: 100,
  maxEnvBytes: 64 * 1024,
  maxBodyBytes: 128 * 1024,
  armRetryTimeoutMs: 30_000,
  armRequestTimeoutMs: 10_000,
  maxQueued: 100,
  runRetentionDays: 90,
  reconcileIntervalMs: 5_000,
  logLevel: "info",
} as const;

const logLevels: readonly LogLevel[] = ["debug", "info", "warn", "error"];

type Problem = { variable: string; problem: string };

/**
 * Reads variables one by one and collects every problem, so one start-up failure reports all of
 * them at once. Problems name the variable and the rule broken, never the value.
 */
export class EnvReader {
  readonly problems: Problem[] = [];
  constructor(private readonly env: Record<string, string | undefined>) {}

  /** Empty counts as unset: deployment tools often write empty strings for "not given". */
  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === "" ? undefined : value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) this.fail(name, "is required");
    return value ?? "";
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(name, `must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (raw !== "true" && raw !== "false") {
      this.fail(name, "must be true or false");
      return fallback;
    }
    return raw === "true";
  }

  /** An https URL without credentials, query or fragment, trailing slashes dropped. */
  httpsUrl(name: string, fallback: string): string {
    const raw = this.optional(name) ?? fallback;
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (!url || url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
      this.fail(name, "must be an https URL without credentials, query or fragment");
      return fallback;
    }
    return raw.replace(/\/+$/, "");
  }

  list(name: string): string[] | undefined {
    const raw = this.optional(name);
    return raw === undefined ? undefined : raw.split(",").map((item) => item.trim()).filter((item) => item !== "");
  }

  fail(variable: string, problem: string): void {
    this.problems.push({ variable, problem });
  }
}

// Azure's rules for container group names: 1 to 63 lowercase letters, digits and single hyphens.
const groupName = /^(?=.{1,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/i;

function readContainerGroups(read: EnvReader): string[] {
  const pool = read.list(configNames.containerGroups);
  const single = read.optional(configNames.containerGroup);
  if (pool !== undefined && single !== undefined) {
    read.fail(configNames.containerGroups, `must not be set together with ${configNames.containerGroup}`);
  }
  const groups = pool ?? (single === undefined ? [] : [single]);
  if (groups.length === 0) {
    read.fail(configNames.containerGroups, `is required (or ${configNames.containerGroup} for a pool of one)`);
  } else if (groups.some((name) => !groupName.test(name))) {
    read.fail(pool ? configNames.containerGroups : configNames.containerGroup, "must be container group names (letters, digits and hyphens, at most 63)");
  } else if (new Set(groups.map((name) => name.toLowerCase())).size !== groups.length) {
    read.fail(configNames.containerGroups, "must not name a group twice");
  }
  return groups;
}

// Azure's rule for storage account names.
const storageAccountName = /^[a-z0-9]{3,24}$/;

function readStorage(read: EnvReader): Config["storage"] {
  const connectionString = read.optional(configNames.storageConnectionString);
  const account = read.optional(configNames.storageAccount);
  if (connectionString !== undefined && account !== undefined) {
    read.fail(configNames.storageAccount, `must not be set together with ${configNames.storageConnectionString}`);
  }
  if (connectionString !== undefined) {
    if (!/(?:^|;)\s*(?:TableEndpoint|AccountName)\s*=/i.test(connectionString)) {
      read.fail(configNames.storageConnectionString, "must be a storage connection string (with AccountName or TableEndpoint)");
    }
    return { kind: "connectionString", connectionString };
  }
  if (account !== undefined) {
    if (!storageAccountName.test(account)) read.fail(configNames.storageAccount, "must be a storage account name (3 to 24 lowercase letters and digits)");
    return { kind: "account", account };
  }
  read.fail(configNames.storageAccount, `is required (or ${configNames.storageConnectionString}): the service keeps its runs there`);
  return { kind: "account", account: "" };
}

/** A JSON variable checked against `schema`; every problem names its path, never a value. */
function readJson<T>(read: EnvReader, name: ConfigName, schema: z.ZodType<T>, shape: string): T | undefined {
  const raw = read.optional(name);
  if (raw === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    // JSON.parse's own message quotes the input: it must not reach the error.
    read.fail(name, `is not valid JSON${shape}`);
    return undefined;
  }
  const parsed = schema.safeParse(decoded);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join(".");
    read.fail(name, `at ${path === "" ? "(top level)" : path}: ${issueReason(issue)}`);
  }
  return undefined;
}

function readSecrets(read: EnvReader): AciSecrets {
  return readJson(read, configNames.secrets, aciSecretsSchema, "") ?? {};
}

/** Zod's reason without anything it may have quoted from the input. */
function issueReason(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "unrecognized_keys":
      return `unknown key(s) ${issue.keys.join(", ")}`;
    case "too_small":
      return "must not be empty";
    case "invalid_format":
      return issue.format === "base64" ? "must be base64" : `must be a valid ${issue.format}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    // A key's own rule, whose message is the schema's, never the input.
    case "invalid_key":
      return issue.issues.map((inner) => inner.message).join("; ");
    default:
      return "is invalid";
  }
}

function readContainerBase(read: EnvReader, secrets: AciSecrets, container: string | undefined): WantedBase | undefined {
  const base = readJson(read, configNames.containerBase, wantedBaseSchema, ' (expected {"env": {...}, "command": [...]})');
  if (base === undefined) return undefined;
  const secure = container === undefined ? [] : Object.keys(secrets.env?.[container] ?? {});
  const both = secure.filter((name) => Object.hasOwn(base.env, name));
  if (both.length > 0) read.fail(configNames.containerBase, `sets ${both.join(", ")} plain, which ${configNames.secrets} holds as secure`);
  return base;
}

function readAllowedEnvNames(read: EnvReader): ReadonlySet<string> | undefined {
  const names = read.list(configNames.allowedEnvNames);
  if (names === undefined) return undefined;
  if (names.some((name) => !envNamePattern.test(name))) {
    read.fail(configNames.allowedEnvNames, "must be comma-separated environment variable names");
  }
  const reserved = names.filter((name) => reservedEnvNames.has(name));
  if (reserved.length > 0) read.fail(configNames.allowedEnvNames, `must not list reserved names (${reserved.join(", ")})`);
  return new Set(names);
}

/**
 * Parses the service's configuration from `env`. Throws one ConfigError naming every bad or
 * missing variable, so a misconfigured deployment fails at start, not at its first request.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const read = new EnvReader(env);
  const port = read.integer(configNames.port, defaults.port, 0, 65_535);
  const subscriptionId = read.required(configNames.subscriptionId);
  if (subscriptionId !== "" && !isGuid(subscriptionId)) read.fail(configNames.subscriptionId, "must be a GUID");
  const resourceGroup = read.required(configNames.resourceGroup);
  const containerGroups = readContainerGroups(read);
  const container = read.optional(configNames.container);
  const containerImage = read.optional(configNames.containerImage);
  if (containerImage !== undefined && !isImageReference(containerImage)) {
    read.fail(configNames.containerImage, "must be a container image reference, such as registry.example/team/job:1.4");
  }
  const clientId = read.optional(configNames.clientId);
  const armEndpoint = read.httpsUrl(configNames.armEndpoint, defaults.armEndpoint);
  const auth = readAuth(read);
  const listenAddress = read.optional(configNames.listenAddress);
  if (listenAddress !== undefined && isIP(listenAddress) === 0) read.fail(configNames.listenAddress, "must be an IP address (0.0.0.0 or :: for every interface)");
  const allowCommand = read.boolean(configNames.allowCommand, false);
  const secrets = readSecrets(read);
  const containerBase = readContainerBase(read, secrets, container);
  const allowedEnvNames = readAllowedEnvNames(read);
  const limits = {
    maxEnvCount: read.integer(configNames.maxEnvCount, defaults.maxEnvCount, 1, 10_000),
    maxEnvBytes: read.integer(configNames.maxEnvBytes, defaults.maxEnvBytes, 1, 16 * 1024 * 1024),
    maxBodyBytes: read.integer(configNames.maxBodyBytes, defaults.maxBodyBytes, 1, 64 * 1024 * 1024),
    ...(allowedEnvNames ? { allowedEnvNames } : {}),
    ...(allowCommand ? { allowCommand } : {}),
  };
  const rateLimits: RateLimits = {
    maxStartsPerMinute: read.integer(configNames.maxStartsPerMinute, defaultRateLimits.maxStartsPerMinute, 1, 1_000_000),
    maxFailedAuthPerMinute: read.integer(configNames.maxFailedAuthPerMinute, defaultRateLimits.maxFailedAuthPerMinute, 1, 1_000_000),
    trustedProxyHops: read.integer(configNames.trustedProxyHops, defaultRateLimits.trustedProxyHops, 0, 10),
  };
  const armRetryTimeoutMs = read.integer(configNames.armRetryTimeoutMs, defaults.armRetryTimeoutMs, 0, 3_600_000);
  const armRequestTimeoutMs = read.integer(configNames.armRequestTimeoutMs, Math.min(defaults.armRequestTimeoutMs, Math.max(1, armRetryTimeoutMs)), 1, 600_000);
  if (armRequestTimeoutMs > Math.max(1, armRetryTimeoutMs)) {
    read.fail(configNames.armRequestTimeoutMs, `must not exceed ${configNames.armRetryTimeoutMs}, the budget of the whole call`);
  }
  const storage = readStorage(read);
  const storagePartition = read.optional(configNames.storagePartition) ?? resourceGroup.toLowerCase();
  // Azure Tables forbids these in keys, and the service's row keys need the rest to be plain.
  if (storagePartition !== "" && !/^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,200}$/.test(storagePartition)) {
    read.fail(configNames.storagePartition, "must be 1 to 200 characters without /, \\, #, ? or control characters");
  }
  const maxQueued = read.integer(configNames.maxQueued, defaults.maxQueued, 0, 10_000);
  const runRetentionDays = read.integer(configNames.runRetentionDays, defaults.runRetentionDays, 1, 3_650);
  const reconcileIntervalMs = read.integer(configNames.reconcileIntervalMs, defaults.reconcileIntervalMs, 10, 600_000);
  const level = read.optional(configNames.logLevel) ?? defaults.logLevel;
  if (!logLevels.includes(level as LogLevel)) read.fail(configNames.logLevel, `must be one of ${logLevels.join(", ")}`);

  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return {
    port,
    subscriptionId,
    resourceGroup,
    containerGroups,
    ...(container ? { container } : {}),
    ...(containerImage ? { containerImage } : {}),
    ...(containerBase ? { containerBase } : {}),
    ...(clientId ? { clientId } : {}),
    armEndpoint,
    auth,
    ...(listenAddress ? { listenAddress } : {}),
    secrets,
    limits,
    rateLimits,
    armRetryTimeoutMs,
    armRequestTimeoutMs,
    storage,
    storagePartition,
    maxQueued,
    runRetentionDays,
    reconcileIntervalMs,
    logLevel: level as LogLevel,
  };
}
