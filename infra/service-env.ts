import type * as pulumi from "@pulumi/pulumi";
import { type ConfigName, configNames, secretConfigNames } from "../service/config-names.js";
import type { TunableServiceSetting } from "./validate.js";

/** The port the service listens on and the Container App's ingress targets. */
export const servicePort = 8080;

/** The service's configuration as the component knows it; every name comes from `configNames`. */
export interface ServiceConfigValues {
  subscriptionId: pulumi.Input<string>;
  resourceGroup: pulumi.Input<string>;
  /** The pool's container group names, in order; at least one. */
  containerGroups: readonly string[];
  container: pulumi.Input<string>;
  /** The worker image runs start from: the service applies it on each run, so no rollout PUTs a group. */
  containerImage: pulumi.Input<string>;
  /** The worker's base env and command as ACI_CONTAINER_BASE's JSON: the service starts each run from it. */
  containerBase: pulumi.Input<string>;
  clientId: pulumi.Input<string>;
  armEndpoint: pulumi.Input<string>;
  /** Comma-separated bearer keys. */
  apiKeys: pulumi.Input<string>;
  /** The ACI_SECRETS JSON document. */
  secrets: pulumi.Input<string>;
  /** The storage account that holds the run store and the wake queue; the identity reaches it. */
  storageAccount: pulumi.Input<string>;
  settings?: Partial<Record<TunableServiceSetting, pulumi.Input<string>>>;
  /** Entra ID callers of the deploying tenant, when enabled. */
  entra?: {
    tenantId: pulumi.Input<string>;
    audience: pulumi.Input<string>;
    requiredRole?: pulumi.Input<string>;
    /** comma-separated client ids */
    allowedClients?: pulumi.Input<string>;
  };
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

/**
 * The Container App's env and secrets. Values of the service's secret names (`secretConfigNames`)
 * become Container App secrets referenced by `secretRef`, so they never appear as plain env
 * values in the app's ARM definition or its revisions.
 */
export function serviceEnvironment(values: ServiceConfigValues): { env: ContainerAppEnvVar[]; secrets: ContainerAppSecret[] } {
  const entries: [ConfigName, pulumi.Input<string>][] = [
    [configNames.port, String(servicePort)],
    [configNames.subscriptionId, values.subscriptionId],
    [configNames.resourceGroup, values.resourceGroup],
    groupsEntry(values.containerGroups),
    [configNames.container, values.container],
    [configNames.containerImage, values.containerImage],
    [configNames.containerBase, values.containerBase],
    [configNames.clientId, values.clientId],
    [configNames.armEndpoint, values.armEndpoint],
    [configNames.apiKeys, values.apiKeys],
    [configNames.secrets, values.secrets],
    [configNames.storageAccount, values.storageAccount],
    [configNames.trustedProxyHops, ingressProxyHops],
  ];
  if (values.entra) {
    entries.push([configNames.entraTenantId, values.entra.tenantId], [configNames.entraAudience, values.entra.audience]);
    if (values.entra.requiredRole) entries.push([configNames.entraRequiredRole, values.entra.requiredRole]);
    if (values.entra.allowedClients) entries.push([configNames.entraAllowedClients, values.entra.allowedClients]);
  }
  for (const [setting, value] of Object.entries(values.settings ?? {})) {
    if (value !== undefined) entries.push([configNames[setting as TunableServiceSetting], value]);
  }

  const env: ContainerAppEnvVar[] = [];
  const secrets: ContainerAppSecret[] = [];
  for (const [name, value] of entries) {
    if (secretConfigNames.includes(name)) {
      secrets.push({ name: secretNameFor(name), value });
      env.push({ name, secretRef: secretNameFor(name) });
    } else {
      env.push({ name, value });
    }
  }
  return { env, secrets };
}
