import { isIP } from "node:net";
import * as z from "zod";
import { envNamePattern } from "../aci/env-name.js";
import { aciNamePattern } from "../aci/resource-name.js";
import { configNames } from "./config-names.js";
import { flag, httpsUrl, integer, json, list, seconds, variable, webhookSecrets } from "./config-values.js";
import { isImageReference } from "./core/image-reference.js";
import { maxEnvBytesCap, maxTimeoutSeconds } from "./core/limits.js";
import { maxRetriesCap } from "./core/retry-backoff.js";
import { webhookEventTypes } from "./core/webhook-event.js";
import { reservedEnvNames } from "./core/run-request.js";
import { aciSecretsSchema } from "./core/secrets.js";
import { wantedBaseSchema } from "./core/wanted-base.js";
import { type AuthVariables, apiKeysSchema, defaultEntraAuthority, guidListSchema, isGuid } from "./http/auth-config.js";

export type LogLevel = (typeof logLevels)[number];

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

/** ARM's public endpoint; the stack passes it explicitly when it is given no other. */
export const defaultArmEndpoint = "https://management.azure.com";

const logLevels = ["debug", "info", "warn", "error"] as const;

/** `pool`: runs re-create the fixed groups of the pool; `standby`: each run claims a group of its own from an ACI standby pool. */
export const dispatchModes = ["pool", "standby"] as const;

export type DispatchMode = (typeof dispatchModes)[number];

/** A resource id of `type` ("Provider/resourceType"), in any resource group of any subscription. */
const armIdOf = (type: string) => new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${type}/[^/]+$`, "i");

/** The OTLP transports the OpenTelemetry SDK knows; http/protobuf is the specification's default. */
export const otlpProtocols = ["http/protobuf", "http/json", "grpc"] as const;

export type OtlpProtocol = (typeof otlpProtocols)[number];

// ARM matches names regardless of case, so a group may be named in any. Azure's rule for storage
// account names; Azure Tables forbids the partition's characters in keys.
const isGroupName = (name: string) => aciNamePattern.test(name.toLowerCase());
const groupNames = "must be container group names (letters, digits and hyphens, at most 63)";
const storageAccountName = /^[a-z0-9]{3,24}$/;
const partition = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,200}$/;

const n = configNames;

/**
 * Every variable the service reads, each checked on its own: its type, range or format and its
 * default. The rules between variables are `configRules`; `configSchema` joins the two.
 */
export const configVariables = z.object({
  [n.port]: variable(integer(0, 65_535).default(8080)),
  [n.subscriptionId]: variable(z.string("is required").refine(isGuid, "must be a GUID")),
  [n.resourceGroup]: variable(z.string("is required")),
  [n.containerGroup]: variable(z.string().refine(isGroupName, groupNames).optional()),
  [n.containerGroups]: variable(
    list()
      .refine((names) => names.every(isGroupName), groupNames)
      .refine((names) => new Set(names.map((name) => name.toLowerCase())).size === names.length, "must not name a group twice")
      .optional(),
  ),
  [n.container]: variable(z.string().optional()),
  [n.containerImage]: variable(z.string().refine(isImageReference, "must be a container image reference, such as registry.example/team/job:1.4").optional()),
  [n.containerBase]: variable(json(wantedBaseSchema, ' (expected {"env": {...}, "command": [...]})').optional()),
  [n.clientId]: variable(z.string().optional()),
  [n.armEndpoint]: variable(httpsUrl().default(defaultArmEndpoint)),
  [n.apiKeys]: variable(apiKeysSchema().default([])),
  [n.allowUnauthenticated]: variable(flag().default(false)),
  [n.secrets]: variable(json(aciSecretsSchema).default({})),
  [n.allowedEnvNames]: variable(
    list()
      .refine((names) => names.every((name) => envNamePattern.test(name)), "must be comma-separated environment variable names")
      .superRefine((names, ctx) => {
        const reserved = names.filter((name) => reservedEnvNames.has(name));
        if (reserved.length > 0) ctx.addIssue({ code: "custom", message: `must not list reserved names (${reserved.join(", ")})` });
      })
      .optional(),
  ),
  [n.maxEnvCount]: variable(integer(1, 10_000).default(100)),
  // A run's env is kept in one table entity: the setting may not promise more than it holds.
  [n.maxEnvBytes]: variable(integer(1, maxEnvBytesCap).default(64 * 1024)),
  [n.maxBodyBytes]: variable(integer(1, 64 * 1024 * 1024).default(128 * 1024)),
  // A start's every PUT must begin within this of its claim, and the claim's own store write takes part of it.
  [n.armRetryTimeoutMs]: variable(integer(1_000, 3_600_000).default(30_000)),
  // Its default depends on the budget: see `toConfig`.
  [n.armRequestTimeoutMs]: variable(integer(1, 600_000).optional()),
  [n.storageConnectionString]: variable(
    z
      .string()
      .regex(/(?:^|;)\s*(?:TableEndpoint|AccountName)\s*=/i, "must be a storage connection string (with AccountName or TableEndpoint)")
      .optional(),
  ),
  [n.storageAccount]: variable(z.string().regex(storageAccountName, "must be a storage account name (3 to 24 lowercase letters and digits)").optional()),
  [n.storagePartition]: variable(z.string().regex(partition, "must be 1 to 200 characters without /, \\, #, ? or control characters").optional()),
  [n.runRetentionDays]: variable(integer(1, 3_650).default(90)),
  [n.reconcileIntervalMs]: variable(integer(10, 600_000).default(5_000)),
  [n.maxQueued]: variable(integer(0, 10_000).default(100)),
  [n.allowCommand]: variable(flag().default(false)),
  [n.listenAddress]: variable(z.string().refine((address) => isIP(address) !== 0, "must be an IP address (0.0.0.0 or :: for every interface)").optional()),
  [n.maxStartsPerMinute]: variable(integer(1, 1_000_000).default(defaultRateLimits.maxStartsPerMinute)),
  [n.maxFailedAuthPerMinute]: variable(integer(1, 1_000_000).default(defaultRateLimits.maxFailedAuthPerMinute)),
  [n.trustedProxyHops]: variable(integer(0, 10).default(defaultRateLimits.trustedProxyHops)),
  [n.entraTenantId]: variable(z.string().refine(isGuid, "must be a GUID (the directory's tenant id)").optional()),
  [n.entraAudience]: variable(list().optional()),
  [n.entraRequiredRole]: variable(z.string().optional()),
  [n.entraAllowedClients]: variable(guidListSchema("must be comma-separated client ids (GUIDs)").optional()),
  [n.entraAuthority]: variable(httpsUrl().default(defaultEntraAuthority)),
  [n.entraAcceptV1Tokens]: variable(flag().default(false)),
  [n.logLevel]: variable(z.enum(logLevels, `must be one of ${logLevels.join(", ")}`).default("info")),
  [n.appInsightsConnectionString]: variable(z.string().regex(/(?:^|;)\s*InstrumentationKey\s*=/i, "must be an Application Insights connection string (with InstrumentationKey)").optional()),
  [n.otlpEndpoint]: variable(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
  [n.otlpProtocol]: variable(z.enum(otlpProtocols, `must be one of ${otlpProtocols.join(", ")}`).default("http/protobuf")),
  [n.otelSdkDisabled]: variable(flag().default(false)),
  [n.metricsRoute]: variable(flag().default(false)),
  [n.defaultTimeoutSeconds]: variable(integer(1, maxTimeoutSeconds).optional()),
  [n.maxTimeoutSeconds]: variable(integer(1, maxTimeoutSeconds).default(maxTimeoutSeconds)),
  // An image pull of several GB can take ten minutes; an image that never pulls should not hold a group for ever.
  [n.startTimeoutSeconds]: variable(integer(1, maxTimeoutSeconds).default(1_800)),
  [n.defaultMaxRetries]: variable(integer(0, maxRetriesCap).default(0)),
  // Fractions, so tests (and impatient deployments) can retry within a second.
  [n.retryBackoffSeconds]: variable(seconds(0.01, 3_600).default(10)),
  [n.webhookUrl]: variable(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
  [n.webhookSecret]: variable(webhookSecrets().optional()),
  [n.webhookEvents]: variable(
    list()
      .refine((types) => types.every((type) => (webhookEventTypes as readonly string[]).includes(type)), `must be comma-separated event types (${webhookEventTypes.join(", ")})`)
      .optional(),
  ),
  [n.webhookRetryHours]: variable(seconds(0.001, 168).default(24)),
  [n.webhookTimeoutMs]: variable(integer(1, 600_000).default(10_000)),
  [n.webhookAllowedOrigins]: variable(
    list()
      .refine((origins) => origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin), "must be comma-separated origins (scheme://host[:port], no path)")
      .default([]),
  ),
  [n.webhookBackoffSeconds]: variable(seconds(0.01, 3_600).default(5)),
  // An append blob holds about 195 GiB; a cap keeps one chatty run from filling the account.
  [n.logArchiveMaxBytes]: variable(integer(64 * 1024, 10 * 1024 ** 3).default(100 * 1024 ** 2)),
  [n.logCopyIntervalMs]: variable(integer(100, 600_000).default(5_000)),
  [n.logFinalCopyTimeoutMs]: variable(integer(100, 600_000).default(10_000)),
  [n.dispatchMode]: variable(z.enum(dispatchModes, `must be one of ${dispatchModes.join(", ")}`).default("pool")),
  [n.location]: variable(z.string().regex(/^[a-z0-9]+$/i, "must be an Azure region name, such as westeurope").optional()),
  [n.containerGroupProfile]: variable(z.string().regex(armIdOf("Microsoft.ContainerInstance/containerGroupProfiles"), "must be a container group profile's resource id").optional()),
  [n.containerGroupProfileRevision]: variable(integer(1, 2_147_483_647).optional()),
  [n.standbyPool]: variable(z.string().regex(armIdOf("Microsoft.StandbyPool/standbyContainerGroupPools"), "must be a standby container group pool's resource id").optional()),
  [n.maxActiveGroups]: variable(integer(1, 10_000).default(100)),
});

export type ConfigVariables = z.output<typeof configVariables>;

export function authVariables(vars: ConfigVariables): AuthVariables {
  return {
    keys: vars[n.apiKeys],
    allowUnauthenticated: vars[n.allowUnauthenticated],
    tenantId: vars[n.entraTenantId],
    audiences: vars[n.entraAudience],
    requiredRole: vars[n.entraRequiredRole],
    allowedClients: vars[n.entraAllowedClients],
    authority: vars[n.entraAuthority],
    acceptV1Tokens: vars[n.entraAcceptV1Tokens],
  };
}
