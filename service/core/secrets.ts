import * as z from "zod";
import type { WireContainer, WireContainerGroup } from "./arm-types.js";
import { configNames } from "../config-names.js";

/**
 * What the service puts back on every re-create because ARM's GET withholds it (FACTS §3):
 * secure env values, registry passwords, the Log Analytics key (and the Log Analytics settings
 * GET also leaves out), Azure Files keys, secret volume contents and extension protected
 * settings. Read once from ACI_SECRETS; never logged, never returned.
 */
export interface AciSecrets {
  /** container or init container name → ENV_NAME → secure value */
  env?: Record<string, Record<string, string>>;
  /** registry server → password */
  registryPasswords?: Record<string, string>;
  logAnalyticsWorkspaceKey?: string;
  /**
   * Log Analytics settings GET leaves out although they are not secret. GET cannot say whether
   * the group had them, so they are never reported missing: a group configured with them must
   * list them here or they revert to ACI's defaults on the first re-create.
   */
  logAnalyticsSettings?: LogAnalyticsSettings;
  /** volume name → storage account key */
  azureFileKeys?: Record<string, string>;
  /** volume name → file name → base64 content */
  secretVolumes?: Record<string, Record<string, string>>;
  /** extension name → protectedSettings; `{}` says the extension has none */
  extensionProtectedSettings?: Record<string, unknown>;
}

export interface LogAnalyticsSettings {
  logType?: "ContainerInsights" | "ContainerInstanceLogs";
  metadata?: Record<string, string>;
  workspaceResourceId?: string;
}

const secretString = z.string().min(1, "must not be empty");

export const aciSecretsSchema: z.ZodType<AciSecrets> = z.strictObject({
  env: z.record(z.string(), z.record(z.string(), secretString)).optional(),
  registryPasswords: z.record(z.string(), secretString).optional(),
  logAnalyticsWorkspaceKey: secretString.optional(),
  logAnalyticsSettings: z
    .strictObject({
      logType: z.enum(["ContainerInsights", "ContainerInstanceLogs"]).optional(),
      metadata: z.record(z.string(), z.string()).optional(),
      workspaceResourceId: secretString.optional(),
    })
    .optional(),
  azureFileKeys: z.record(z.string(), secretString).optional(),
  secretVolumes: z.record(z.string(), z.record(z.string(), z.base64("must be base64"))).optional(),
  extensionProtectedSettings: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

export type MissingSecret =
  | { kind: "secureEnv"; container: string; name: string }
  | { kind: "registryPassword"; server: string }
  | { kind: "logAnalyticsWorkspaceKey" }
  | { kind: "azureFileKey"; volume: string }
  | { kind: "secretVolume"; volume: string }
  | { kind: "extensionProtectedSettings"; extension: string };

/** An env entry GET shows by name only: it held a secure value. */
export function isWithheldSecureEnv(entry: { value?: unknown; secureValue?: unknown }): boolean {
  return entry.value === undefined && entry.secureValue === undefined;
}

/** A registry credential whose password ARM withholds (identity-based ones have none). */
export function needsRegistryPassword(cred: { username?: unknown; identity?: unknown; password?: unknown }): boolean {
  return cred.username !== undefined && cred.identity === undefined && cred.password === undefined;
}

/** GET shows a secret volume as `"secret": {}`. */
export function isWithheldSecretVolume(secret: unknown): boolean {
  return typeof secret === "object" && secret !== null && Object.keys(secret).length === 0;
}

function has(record: Record<string, unknown> | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}

function allContainers(group: WireContainerGroup): WireContainer[] {
  return [...(group.properties.initContainers ?? []), ...group.properties.containers];
}

/**
 * Every secret the group (as read) holds that `secrets` cannot restore. Empty = restorable.
 * Order: init containers then containers (env order), registries, Log Analytics, volumes,
 * extensions — the order an operator reads the group definition in.
 */
export function missingSecrets(group: WireContainerGroup, secrets: AciSecrets): MissingSecret[] {
  const missing: MissingSecret[] = [];
  for (const container of allContainers(group)) {
    for (const entry of container.properties.environmentVariables ?? []) {
      if (isWithheldSecureEnv(entry) && !has(secrets.env?.[container.name], entry.name)) {
        missing.push({ kind: "secureEnv", container: container.name, name: entry.name });
      }
    }
  }
  const servers = new Set<string>();
  for (const cred of group.properties.imageRegistryCredentials ?? []) {
    if (needsRegistryPassword(cred) && !has(secrets.registryPasswords, cred.server) && !servers.has(cred.server)) {
      servers.add(cred.server);
      missing.push({ kind: "registryPassword", server: cred.server });
    }
  }
  const logAnalytics = group.properties.diagnostics?.logAnalytics;
  if (logAnalytics && logAnalytics.workspaceKey === undefined && secrets.logAnalyticsWorkspaceKey === undefined) {
    missing.push({ kind: "logAnalyticsWorkspaceKey" });
  }
  for (const volume of group.properties.volumes ?? []) {
    if (volume.azureFile && volume.azureFile.storageAccountKey === undefined && !has(secrets.azureFileKeys, volume.name)) {
      missing.push({ kind: "azureFileKey", volume: volume.name });
    }
    if (isWithheldSecretVolume(volume.secret) && !has(secrets.secretVolumes, volume.name)) {
      missing.push({ kind: "secretVolume", volume: volume.name });
    }
  }
  for (const extension of group.properties.extensions ?? []) {
    if (extension.properties.protectedSettings === undefined && !has(secrets.extensionProtectedSettings, extension.name)) {
      missing.push({ kind: "extensionProtectedSettings", extension: extension.name });
    }
  }
  return missing;
}

/** Names what is missing and where it goes in ACI_SECRETS; never a value. */
export function describeMissingSecret(m: MissingSecret): string {
  const where = configNames.secrets;
  switch (m.kind) {
    case "secureEnv":
      return `secure environment variable ${m.name} of container ${m.container} (${where} env.${m.container}.${m.name})`;
    case "registryPassword":
      return `password of image registry ${m.server} (${where} registryPasswords)`;
    case "logAnalyticsWorkspaceKey":
      return `Log Analytics workspace key (${where} logAnalyticsWorkspaceKey)`;
    case "azureFileKey":
      return `storage account key of Azure Files volume ${m.volume} (${where} azureFileKeys.${m.volume})`;
    case "secretVolume":
      return `contents of secret volume ${m.volume} (${where} secretVolumes.${m.volume})`;
    case "extensionProtectedSettings":
      return `protected settings of extension ${m.extension} (${where} extensionProtectedSettings.${m.extension}, {} if it has none)`;
  }
}
