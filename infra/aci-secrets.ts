/**
 * The ACI_SECRETS document the service needs to re-create the group it was given: ARM's GET never
 * returns secure env values or the Log Analytics workspace key, so every PUT must carry them again.
 * The shape is the service's `AciSecrets` (service/core/secrets.ts).
 */
export interface ProvisionedSecrets {
  containerName: string;
  /** The worker's secure env, NAME → value. */
  secureEnvironment: Record<string, string>;
  logAnalyticsWorkspaceKey: string;
}

/** The JSON text of ACI_SECRETS for the group this component provisions. */
export function aciSecretsDocument(secrets: ProvisionedSecrets): string {
  const hasSecureEnv = Object.keys(secrets.secureEnvironment).length > 0;
  return JSON.stringify({
    ...(hasSecureEnv ? { env: { [secrets.containerName]: secrets.secureEnvironment } } : {}),
    logAnalyticsWorkspaceKey: secrets.logAnalyticsWorkspaceKey,
  });
}
