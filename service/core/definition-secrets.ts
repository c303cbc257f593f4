import type { WireContainerGroup } from "./arm-types.js";
import type { AciSecrets } from "./secrets.js";

/**
 * The ACI_SECRETS that restores every secret of a complete definition (one as it was PUT, before
 * ARM withheld anything). The local mode derives its configuration from the demo group this way,
 * so the two cannot disagree.
 */
export function secretsOf(definition: WireContainerGroup): AciSecrets {
  const p = definition.properties;
  const secrets: Required<Pick<AciSecrets, "env" | "registryPasswords" | "azureFileKeys" | "secretVolumes" | "extensionProtectedSettings">> &
    AciSecrets = { env: {}, registryPasswords: {}, azureFileKeys: {}, secretVolumes: {}, extensionProtectedSettings: {} };
  for (const container of [...(p.initContainers ?? []), ...p.containers]) {
    for (const entry of container.properties.environmentVariables ?? []) {
      if (entry.secureValue !== undefined) (secrets.env[container.name] ??= {})[entry.name] = entry.secureValue;
    }
  }
  for (const cred of p.imageRegistryCredentials ?? []) if (cred.password !== undefined) secrets.registryPasswords[cred.server] = cred.password;
  const logAnalytics = p.diagnostics?.logAnalytics;
  if (logAnalytics?.workspaceKey !== undefined) secrets.logAnalyticsWorkspaceKey = logAnalytics.workspaceKey;
  if (logAnalytics) {
    secrets.logAnalyticsSettings = {
      ...(logAnalytics.logType ? { logType: logAnalytics.logType as "ContainerInsights" | "ContainerInstanceLogs" } : {}),
      ...(logAnalytics.metadata ? { metadata: logAnalytics.metadata } : {}),
      ...(logAnalytics.workspaceResourceId ? { workspaceResourceId: logAnalytics.workspaceResourceId } : {}),
    };
  }
  for (const volume of p.volumes ?? []) {
    if (volume.azureFile?.storageAccountKey !== undefined) secrets.azureFileKeys[volume.name] = volume.azureFile.storageAccountKey;
    if (volume.secret) secrets.secretVolumes[volume.name] = volume.secret;
  }
  for (const extension of p.extensions ?? []) {
    secrets.extensionProtectedSettings[extension.name] = extension.properties.protectedSettings ?? {};
  }
  return structuredClone(secrets);
}
