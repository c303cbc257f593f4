import * as z from "zod";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { type ConfigName, configNames } from "./config-names.js";
import { type ConfigVariables, type LogLevel, type OtlpProtocol, type RateLimits, authVariables, configVariables } from "./config-variables.js";
import type { RunDefaults } from "./core/run-defaults.js";
import type { RunRequestLimits } from "./core/run-request.js";
import type { AciSecrets } from "./core/secrets.js";
import type { WantedBase } from "./core/wanted-base.js";
import type { WebhookEventType } from "./core/webhook-event.js";
import { type AuthConfig, authConfig, authProblems, entraProblems } from "./http/auth-config.js";

export { ConfigError } from "./config-error.js";
export { defaultArmEndpoint, defaultRateLimits, type LogLevel, type OtlpProtocol, type RateLimits } from "./config-variables.js";

const n = configNames;
const defaultArmRequestTimeoutMs = 10_000;

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
  /** what a run gets when its request does not say, and the start's limit */
  runDefaults: RunDefaults;
  telemetry: TelemetryConfig;
  webhook: WebhookConfig;
  /** How a run gets its group: the pool's fixed groups, or a group of its own claimed from a standby pool. */
  dispatch: DispatchConfig;
  logArchive: LogArchiveConfig;
}

/** `pool`: runs re-create the groups of `containerGroups`; `standby`: each run claims a new group. */
export type DispatchConfig = { mode: "pool" } | StandbyConfig;

export interface StandbyConfig {
  mode: "standby";
  /** the region of the groups the runs create */
  location: string;
  /** the container group profile's resource id, and the revision the service was deployed with */
  profile: { id: string; revision: number };
  /** the standby container group pool's resource id */
  pool: string;
  /** the most groups held at once (ACI's quota); further runs wait in the queue */
  maxActiveGroups: number;
}

/** The archive of runs' logs in Blob Storage: its cap per run, and the pace of its copies. */
export interface LogArchiveConfig {
  maxBytes: number;
  copyIntervalMs: number;
  finalCopyTimeoutMs: number;
}

/** Where and how run events are delivered (Standard Webhooks); no URL and no per-run URL: none. */
export interface WebhookConfig {
  url?: string;
  /** signing secrets, each `whsec_…`; two during a rotation */
  secrets: string[];
  /** the event types sent; all when unset */
  events?: ReadonlySet<WebhookEventType>;
  retryHours: number;
  timeoutMs: number;
  /** the wait after a delivery's first failure, before jitter; it doubles per failure */
  backoffSeconds: number;
  /** origins a run's own `webhookUrl` may name, and whose URLs may be plain http or resolve to internal addresses */
  allowedOrigins: ReadonlySet<string>;
}

/** Where traces, metrics and logs go; all off unless a destination or the metrics route is set. */
export interface TelemetryConfig {
  /** export to Application Insights with this connection string */
  appInsightsConnectionString?: string;
  /** export over OTLP; the SDK reads the endpoint, headers and service name from OTEL_* itself */
  otlp: boolean;
  /** the OTLP transport of the metrics (the SDK reads it for traces and logs) */
  otlpProtocol: OtlpProtocol;
  /** serve GET /metrics in Prometheus text format */
  metricsRoute: boolean;
}

/** A rule between variables: it runs once every variable it reads is valid on its own. */
interface ConfigRule {
  reads: readonly ConfigName[];
  problems(vars: ConfigVariables): ConfigProblem[];
}

const entraNames = [n.entraTenantId, n.entraAudience, n.entraRequiredRole, n.entraAllowedClients, n.entraAuthority, n.entraAcceptV1Tokens];

const standbyNames = [n.location, n.containerGroupProfile, n.containerGroupProfileRevision, n.standbyPool] as const;

/** The pool: ACI_CONTAINER_GROUPS, or ACI_CONTAINER_GROUP for a pool of one. */
function containerGroupsOf(vars: ConfigVariables): string[] {
  const single = vars[n.containerGroup];
  return vars[n.containerGroups] ?? (single === undefined ? [] : [single]);
}

const configRules: readonly ConfigRule[] = [
  {
    // An unsigned event could be forged by anyone who finds the receiver.
    reads: [n.webhookUrl, n.webhookSecret, n.webhookAllowedOrigins],
    problems: (vars) =>
      (vars[n.webhookUrl] !== undefined || vars[n.webhookAllowedOrigins].length > 0) && vars[n.webhookSecret] === undefined
        ? [{ variable: n.webhookSecret, problem: `is required when ${n.webhookUrl} or ${n.webhookAllowedOrigins} is set` }]
        : [],
  },
  {
    reads: [n.dispatchMode, n.containerGroup, n.containerGroups],
    problems: (vars) => {
      // A standby run's group is named for the run: a fixed group would never be used.
      if (vars[n.dispatchMode] === "standby") {
        return [n.containerGroups, n.containerGroup].filter((name) => vars[name] !== undefined).map((variable) => ({ variable, problem: `must not be set when ${n.dispatchMode} is standby` }));
      }
      if (vars[n.containerGroups] !== undefined && vars[n.containerGroup] !== undefined) {
        return [{ variable: n.containerGroups, problem: `must not be set together with ${n.containerGroup}` }];
      }
      if (containerGroupsOf(vars).length > 0) return [];
      return [{ variable: n.containerGroups, problem: `is required (or ${n.containerGroup} for a pool of one)` }];
    },
  },
  {
    reads: [n.dispatchMode, n.allowCommand, ...standbyNames],
    problems: (vars) => {
      if (vars[n.dispatchMode] !== "standby") return [];
      const missing = standbyNames.filter((name) => vars[name] === undefined).map((variable) => ({ variable, problem: `is required when ${n.dispatchMode} is standby` }));
      // A claim carries nothing but config maps: the profile's command is the job's.
      const command = vars[n.allowCommand] ? [{ variable: n.allowCommand, problem: `must not be set when ${n.dispatchMode} is standby: a claimed group runs its profile's command` }] : [];
      return [...missing, ...command];
    },
  },
  { reads: [n.apiKeys, n.allowUnauthenticated, ...entraNames], problems: (vars) => [...entraProblems(authVariables(vars)), ...authProblems(authVariables(vars))] },
  {
    reads: [n.container, n.secrets, n.containerBase],
    problems: (vars) => {
      const base = vars[n.containerBase];
      const container = vars[n.container];
      if (base === undefined || container === undefined) return [];
      const both = Object.keys(vars[n.secrets].env?.[container] ?? {}).filter((name) => Object.hasOwn(base.env, name));
      return both.length > 0 ? [{ variable: n.containerBase, problem: `sets ${both.join(", ")} plain, which ${n.secrets} holds as secure` }] : [];
    },
  },
  {
    reads: [n.defaultTimeoutSeconds, n.maxTimeoutSeconds],
    problems: (vars) =>
      (vars[n.defaultTimeoutSeconds] ?? 0) > vars[n.maxTimeoutSeconds]
        ? [{ variable: n.defaultTimeoutSeconds, problem: `must not exceed ${n.maxTimeoutSeconds}` }]
        : [],
  },
  {
    reads: [n.armRetryTimeoutMs, n.armRequestTimeoutMs],
    problems: (vars) =>
      (vars[n.armRequestTimeoutMs] ?? 0) > Math.max(1, vars[n.armRetryTimeoutMs])
        ? [{ variable: n.armRequestTimeoutMs, problem: `must not exceed ${n.armRetryTimeoutMs}, the budget of the whole call` }]
        : [],
  },
  {
    reads: [n.storageConnectionString, n.storageAccount],
    problems: (vars) => {
      const connectionString = vars[n.storageConnectionString];
      const account = vars[n.storageAccount];
      if (connectionString !== undefined && account !== undefined) return [{ variable: n.storageAccount, problem: `must not be set together with ${n.storageConnectionString}` }];
      if (connectionString !== undefined || account !== undefined) return [];
      return [{ variable: n.storageAccount, problem: `is required (or ${n.storageConnectionString}): the service keeps its runs there` }];
    },
  },
];

/**
 * `rule` as a zod check that runs unless one of the variables it reads already failed (or the
 * environment is no object at all, an issue without a path).
 */
function ruleCheck(rule: ConfigRule) {
  return z.superRefine<ConfigVariables>(
    (vars, ctx) => {
      for (const { variable, problem } of rule.problems(vars)) ctx.addIssue({ code: "custom", path: [variable], message: problem });
    },
    { when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== undefined && !rule.reads.includes(issue.path[0] as ConfigName)) },
  );
}

function telemetryConfig(vars: ConfigVariables): TelemetryConfig {
  const disabled = vars[n.otelSdkDisabled];
  const connectionString = vars[n.appInsightsConnectionString];
  return {
    ...(connectionString && !disabled ? { appInsightsConnectionString: connectionString } : {}),
    otlp: vars[n.otlpEndpoint] !== undefined && !disabled,
    otlpProtocol: vars[n.otlpProtocol],
    metricsRoute: vars[n.metricsRoute],
  };
}

function webhookConfig(vars: ConfigVariables): WebhookConfig {
  const url = vars[n.webhookUrl];
  const events = vars[n.webhookEvents];
  return {
    ...(url !== undefined ? { url } : {}),
    secrets: vars[n.webhookSecret] ?? [],
    ...(events !== undefined ? { events: new Set(events as WebhookEventType[]) } : {}),
    retryHours: vars[n.webhookRetryHours],
    timeoutMs: vars[n.webhookTimeoutMs],
    backoffSeconds: vars[n.webhookBackoffSeconds],
    // The operator's own URL is as trusted as a listed origin: it may be http or internal.
    allowedOrigins: new Set([...vars[n.webhookAllowedOrigins], ...(url !== undefined ? [new URL(url).origin] : [])]),
  };
}

function dispatchConfig(vars: ConfigVariables): DispatchConfig {
  if (vars[n.dispatchMode] === "pool") return { mode: "pool" };
  return {
    mode: "standby",
    location: vars[n.location] ?? "",
    profile: { id: vars[n.containerGroupProfile] ?? "", revision: vars[n.containerGroupProfileRevision] ?? 1 },
    pool: vars[n.standbyPool] ?? "",
    maxActiveGroups: vars[n.maxActiveGroups],
  };
}

function toConfig(vars: ConfigVariables): Config {
  const armRetryTimeoutMs = vars[n.armRetryTimeoutMs];
  const connectionString = vars[n.storageConnectionString];
  const optional = {
    container: vars[n.container],
    containerImage: vars[n.containerImage],
    containerBase: vars[n.containerBase],
    clientId: vars[n.clientId],
  };
  const allowedEnvNames = vars[n.allowedEnvNames];
  const listenAddress = vars[n.listenAddress];
  return {
    port: vars[n.port],
    subscriptionId: vars[n.subscriptionId],
    resourceGroup: vars[n.resourceGroup],
    containerGroups: containerGroupsOf(vars),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    armEndpoint: vars[n.armEndpoint],
    auth: authConfig(authVariables(vars)),
    ...(listenAddress ? { listenAddress } : {}),
    secrets: vars[n.secrets],
    limits: {
      maxEnvCount: vars[n.maxEnvCount],
      maxEnvBytes: vars[n.maxEnvBytes],
      maxBodyBytes: vars[n.maxBodyBytes],
      ...(allowedEnvNames ? { allowedEnvNames: new Set(allowedEnvNames) } : {}),
      ...(vars[n.allowCommand] ? { allowCommand: true } : {}),
      maxTimeoutSeconds: vars[n.maxTimeoutSeconds],
    },
    rateLimits: {
      maxStartsPerMinute: vars[n.maxStartsPerMinute],
      maxFailedAuthPerMinute: vars[n.maxFailedAuthPerMinute],
      trustedProxyHops: vars[n.trustedProxyHops],
    },
    armRetryTimeoutMs,
    armRequestTimeoutMs: vars[n.armRequestTimeoutMs] ?? Math.min(defaultArmRequestTimeoutMs, Math.max(1, armRetryTimeoutMs)),
    storage: connectionString !== undefined ? { kind: "connectionString", connectionString } : { kind: "account", account: vars[n.storageAccount] ?? "" },
    storagePartition: vars[n.storagePartition] ?? vars[n.resourceGroup].toLowerCase(),
    maxQueued: vars[n.maxQueued],
    runRetentionDays: vars[n.runRetentionDays],
    reconcileIntervalMs: vars[n.reconcileIntervalMs],
    logLevel: vars[n.logLevel],
    telemetry: telemetryConfig(vars),
    webhook: webhookConfig(vars),
    dispatch: dispatchConfig(vars),
    logArchive: {
      maxBytes: vars[n.logArchiveMaxBytes],
      copyIntervalMs: vars[n.logCopyIntervalMs],
      finalCopyTimeoutMs: vars[n.logFinalCopyTimeoutMs],
    },
    runDefaults: {
      ...(vars[n.defaultTimeoutSeconds] !== undefined ? { timeoutSeconds: vars[n.defaultTimeoutSeconds] } : {}),
      maxRetries: vars[n.defaultMaxRetries],
      startTimeoutSeconds: vars[n.startTimeoutSeconds],
      retryBackoffSeconds: vars[n.retryBackoffSeconds],
    },
  };
}

/** The one schema of the service's environment: every variable, every rule between them, the typed `Config`. */
export const configSchema = configVariables.check(...configRules.map(ruleCheck)).transform(toConfig);

const order: readonly string[] = Object.values(configNames);

/** The problems behind zod's issues, in the order `configNames` lists the variables. */
function problemsOf(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.map((issue) => ({ variable: String(issue.path[0] ?? ""), problem: issue.message })).sort((a, b) => order.indexOf(a.variable) - order.indexOf(b.variable));
}

/**
 * Parses the service's configuration from `env`. Throws one ConfigError naming every bad or
 * missing variable, so a misconfigured deployment fails at start, not at its first request.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error.issues));
  return parsed.data;
}

/**
 * The problems of part of an environment, for a deployer that knows only some variables ahead of
 * the service (the stack at preview): each of `names` is checked on its own, set as `env` says or
 * unset, and so is every rule that reads only those variables.
 */
export function configProblemsOf(env: Partial<Record<ConfigName, string>>, names: readonly ConfigName[]): ConfigProblem[] {
  const mask = Object.fromEntries(names.map((name) => [name, true])) as z.core.util.Mask<ConfigName>;
  const rules = configRules.filter((rule) => rule.reads.every((name) => names.includes(name)));
  // The rules read only variables of `names`, which are all there is to read.
  const schema = configVariables.pick(mask).check(...rules.map((rule) => ruleCheck(rule) as z.core.$ZodCheck<unknown>));
  const parsed = schema.safeParse(env);
  return parsed.success ? [] : problemsOf(parsed.error.issues);
}
