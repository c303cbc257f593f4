import * as pulumi from "@pulumi/pulumi";
import { defaultArmEndpoint } from "../service/config.js";
import { type ConfigName, configNames, secretConfigNames } from "../service/config-names.js";
import type { AciHttpTriggerArgs, LogArchiveArgs } from "./trigger-args.js";
import { type TunableServiceSetting, tunableServiceSettings } from "./validate.js";
import { settingText } from "./setting-text.js";
import { type WebhookValues, webhookEntries, webhookValues } from "./webhook-settings.js";

/** The port the service listens on and the Container App's ingress targets. */
export const servicePort = 8080;

/** The part of the service's configuration the component takes from its own arguments. */
export interface ArgumentValues {
  container: pulumi.Input<string>;
  /** The worker image runs start from: the service applies it on each run, so no rollout PUTs a group. */
  containerImage: pulumi.Input<string>;
  /** The worker's base env and command as ACI_CONTAINER_BASE's JSON: the service starts each run from it. */
  containerBase: pulumi.Input<string>;
  armEndpoint: pulumi.Input<string>;
  settings?: Partial<Record<TunableServiceSetting, pulumi.Input<string>>>;
  /** Entra ID callers, when enabled. */
  entra?: {
    audience: pulumi.Input<string>;
    requiredRole?: pulumi.Input<string>;
    /** comma-separated client ids */
    allowedClients?: pulumi.Input<string>;
  };
  /** Where run events go, and the secret they are signed with (a Container App secret). */
  webhook?: WebhookValues;
  logs?: LogArchiveArgs;
  /** `standby` when runs claim groups from a standby pool; unset in pool mode (the service's default). */
  dispatchMode?: "standby";
  /** Most container groups the service holds at once in standby mode. */
  maxActiveGroups?: string;
}

/** Where a standby-mode service claims its groups: the profile revision this deployment made, and its pool. */
export interface StandbyServiceValues {
  /** The region of the claimed and cold-created groups, as ARM spells it (`westeurope`). */
  location: pulumi.Input<string>;
  profileId: pulumi.Input<string>;
  profileRevision: pulumi.Input<string>;
  poolId: pulumi.Input<string>;
}

/** The service's configuration as the component knows it; every name comes from `configNames`. */
export interface ServiceConfigValues extends ArgumentValues {
  subscriptionId: pulumi.Input<string>;
  resourceGroup: pulumi.Input<string>;
  /** The pool's container group names, in order; at least one in pool mode, none in standby mode. */
  containerGroups: readonly string[];
  /** Set in standby mode. */
  standby?: StandbyServiceValues;
  clientId: pulumi.Input<string>;
  /** Comma-separated bearer keys. */
  apiKeys: pulumi.Input<string>;
  /** The ACI_SECRETS JSON document. */
  secrets: pulumi.Input<string>;
  /** The storage account that holds the run store and the wake queue; the identity reaches it. */
  storageAccount: pulumi.Input<string>;
  /** Entra ID callers of the deploying tenant, when enabled. */
  entra?: ArgumentValues["entra"] & { tenantId: pulumi.Input<string> };
  /** Where the service sends its traces, metrics and logs (secret). */
  appInsightsConnectionString?: pulumi.Input<string>;
}

/**
 * Container Apps ingress is the one proxy in front of the service: the rightmost X-Forwarded-For
 * entry is the caller's address, which the per-client limit on failed authentications keys on.
 */
const ingressProxyHops = "1";

export interface ContainerAppEnvVar {
  name: string;
  value?: pulumi.Input<string>;
  secretRef?: string;
}

export interface ContainerAppSecret {
  name: string;
  value: pulumi.Input<string>;
}

/** Container Apps secret names allow lowercase letters, digits and hyphens only. */
export function secretNameFor(name: ConfigName): string {
  return name.toLowerCase().replaceAll("_", "-");
}

/**
 * A pool of one is named by ACI_CONTAINER_GROUP, which every version of the service reads; a
 * larger pool by the comma-separated ACI_CONTAINER_GROUPS.
 */
function groupsEntry(groups: readonly string[]): [ConfigName, string] {
  if (groups.length === 0) throw new Error("A trigger needs at least one container group.");
  return groups.length === 1 ? [configNames.containerGroup, groups[0]!] : [configNames.containerGroups, groups.join(",")];
}

/** The pool's groups, or in standby mode where groups are claimed from (and no fixed group). */
function dispatchEntries(values: ServiceConfigValues): [ConfigName, pulumi.Input<string>][] {
  const standby = values.standby;
  if (standby === undefined) return [groupsEntry(values.containerGroups)];
  if (values.containerGroups.length > 0) throw new Error("A standby trigger has no fixed container groups.");
  return [
    [configNames.location, standby.location],
    [configNames.containerGroupProfile, standby.profileId],
    [configNames.containerGroupProfileRevision, standby.profileRevision],
    [configNames.standbyPool, standby.poolId],
  ];
}

/** The service's settings the component takes from its arguments; `containerName` already defaulted. */
export function argumentValues(args: AciHttpTriggerArgs, containerName: string): ArgumentValues {
  const entra = args.entra;
  return {
    container: containerName,
    containerImage: args.image,
    containerBase: containerBaseJson(args.environment, args.command),
    armEndpoint: args.armEndpoint ?? defaultArmEndpoint,
    settings: args.serviceSettings,
    ...(entra
      ? {
          entra: {
            audience: entra.audience,
            ...(entra.requiredRole ? { requiredRole: entra.requiredRole } : {}),
            ...(entra.allowedClients ? { allowedClients: pulumi.all(entra.allowedClients).apply((ids) => ids.join(",")) } : {}),
          },
        }
      : {}),
    ...(args.webhook ? { webhook: webhookValues(args.webhook) } : {}),
    logs: args.logs,
    ...(args.dispatch === "standby" ? { dispatchMode: "standby" as const, maxActiveGroups: settingText(args.standby?.maxActiveGroups) } : {}),
  };
}

/**
 * ACI_CONTAINER_BASE from the worker's plain env and command (derived from secureEnvironment,
 * the whole value would be secret). A plain string while both are known, so preview can check it.
 */
export function containerBaseJson(
  environment: Record<string, pulumi.Input<string>> = {},
  command?: pulumi.Input<pulumi.Input<string>[]>,
): pulumi.Input<string> {
  const encode = (env: Record<string, string>, cmd: string[] | undefined) => JSON.stringify({ env, ...(cmd === undefined ? {} : { command: cmd }) });
  const plainEnv = Object.values(environment).every((value) => typeof value === "string");
  const plainCommand = command === undefined || (Array.isArray(command) && command.every((part) => typeof part === "string"));
  if (plainEnv && plainCommand) return encode(environment as Record<string, string>, command as string[] | undefined);
  return pulumi.all([pulumi.output(environment), pulumi.output(command)]).apply(([env, cmd]) => encode(env, cmd));
}

/**
 * Every variable the component derives from its arguments (and its constants), whether it sets
 * it or not: undefined leaves the variable unset, so the service applies its default. These are
 * the ones the stack can check at preview, before any resource exists.
 */
export function argumentEntries(values: ArgumentValues): [ConfigName, pulumi.Input<string> | undefined][] {
  return [
    [configNames.port, String(servicePort)],
    [configNames.container, values.container],
    [configNames.containerImage, values.containerImage],
    [configNames.containerBase, values.containerBase],
    [configNames.armEndpoint, values.armEndpoint],
    [configNames.trustedProxyHops, ingressProxyHops],
    [configNames.entraAudience, values.entra?.audience],
    [configNames.entraRequiredRole, values.entra?.requiredRole],
    [configNames.entraAllowedClients, values.entra?.allowedClients],
    ...webhookEntries(values.webhook),
    [configNames.dispatchMode, values.dispatchMode],
    [configNames.maxActiveGroups, values.maxActiveGroups],
    [configNames.logArchiveMaxBytes, settingText(values.logs?.archiveMaxBytes)],
    [configNames.logCopyIntervalMs, settingText(values.logs?.copyIntervalMs)],
    [configNames.logFinalCopyTimeoutMs, settingText(values.logs?.finalCopyTimeoutMs)],
    ...tunableServiceSettings.map((setting): [ConfigName, pulumi.Input<string> | undefined] => [configNames[setting], values.settings?.[setting]]),
  ];
}

/**
 * The Container App's env and secrets. Values of the service's secret names (`secretConfigNames`)
 * become Container App secrets referenced by `secretRef`, so they never appear as plain env
 * values in the app's ARM definition or its revisions.
 */
export function serviceEnvironment(values: ServiceConfigValues): { env: ContainerAppEnvVar[]; secrets: ContainerAppSecret[] } {
  const entries: [ConfigName, pulumi.Input<string> | undefined][] = [
    [configNames.subscriptionId, values.subscriptionId],
    [configNames.resourceGroup, values.resourceGroup],
    ...dispatchEntries(values),
    [configNames.clientId, values.clientId],
    [configNames.apiKeys, values.apiKeys],
    [configNames.secrets, values.secrets],
    [configNames.storageAccount, values.storageAccount],
    [configNames.entraTenantId, values.entra?.tenantId],
    [configNames.appInsightsConnectionString, values.appInsightsConnectionString],
    ...argumentEntries(values),
  ];

  const env: ContainerAppEnvVar[] = [];
  const secrets: ContainerAppSecret[] = [];
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    if (secretConfigNames.includes(name)) {
      secrets.push({ name: secretNameFor(name), value });
      env.push({ name, secretRef: secretNameFor(name) });
    } else {
      env.push({ name, value });
    }
  }
  return { env, secrets };
}
