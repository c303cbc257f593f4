import type { WireContainer, WireContainerGroup } from "./arm-types.js";
import {
  type AciSecrets,
  isWithheldSecretVolume,
  isWithheldSecureEnv,
  needsRegistryPassword,
} from "./secrets.js";

function lookup<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

function restoreEnv(container: WireContainer, secrets: AciSecrets): WireContainer {
  const env = container.properties.environmentVariables;
  if (!env) return container;
  const values = lookup(secrets.env, container.name);
  const environmentVariables = env.map((entry) => {
    const secureValue = isWithheldSecureEnv(entry) ? lookup(values, entry.name) : undefined;
    return secureValue === undefined ? entry : { ...entry, secureValue };
  });
  return { ...container, properties: { ...container.properties, environmentVariables } };
}

/**
 * A copy of a body as read (read-only fields already removed) with every value GET withholds put
 * back from `secrets`. What `secrets` lacks stays withheld: `missingSecrets` is the check that
 * refuses such a body before it is sent. The Log Analytics settings GET leaves out are filled in
 * only where the group shows a Log Analytics configuration without them.
 */
export function restoreSecrets(body: WireContainerGroup, secrets: AciSecrets): WireContainerGroup {
  const restored = structuredClone(body);
  const properties = restored.properties;
  properties.containers = properties.containers.map((c) => restoreEnv(c, secrets));
  if (properties.initContainers) properties.initContainers = properties.initContainers.map((c) => restoreEnv(c, secrets));

  for (const cred of properties.imageRegistryCredentials ?? []) {
    const password = needsRegistryPassword(cred) ? lookup(secrets.registryPasswords, cred.server) : undefined;
    if (password !== undefined) cred.password = password;
  }

  const logAnalytics = properties.diagnostics?.logAnalytics;
  if (logAnalytics) {
    if (logAnalytics.workspaceKey === undefined && secrets.logAnalyticsWorkspaceKey !== undefined) {
      logAnalytics.workspaceKey = secrets.logAnalyticsWorkspaceKey;
    }
    const settings = secrets.logAnalyticsSettings ?? {};
    if (logAnalytics.logType === undefined && settings.logType !== undefined) logAnalytics.logType = settings.logType;
    if (logAnalytics.metadata === undefined && settings.metadata !== undefined) logAnalytics.metadata = { ...settings.metadata };
    if (logAnalytics.workspaceResourceId === undefined && settings.workspaceResourceId !== undefined) {
      logAnalytics.workspaceResourceId = settings.workspaceResourceId;
    }
  }

  for (const volume of properties.volumes ?? []) {
    if (volume.azureFile && volume.azureFile.storageAccountKey === undefined) {
      const key = lookup(secrets.azureFileKeys, volume.name);
      if (key !== undefined) volume.azureFile.storageAccountKey = key;
    }
    if (isWithheldSecretVolume(volume.secret)) {
      const files = lookup(secrets.secretVolumes, volume.name);
      if (files !== undefined) volume.secret = { ...files };
    }
  }

  for (const extension of properties.extensions ?? []) {
    if (extension.properties.protectedSettings !== undefined) continue;
    const settings = lookup(secrets.extensionProtectedSettings, extension.name);
    // `{}` is how the operator says "this extension has no protected settings": send none.
    if (settings !== undefined && !isEmptyObject(settings)) extension.properties.protectedSettings = structuredClone(settings);
  }
  return restored;
}
