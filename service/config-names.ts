/**
 * The names of the environment variables the trigger service reads. The Pulumi program imports
 * this module to configure the Container App, so the two cannot drift apart.
 */
export const configNames = {
  port: "PORT",
  subscriptionId: "AZURE_SUBSCRIPTION_ID",
  resourceGroup: "ACI_RESOURCE_GROUP",
  containerGroup: "ACI_CONTAINER_GROUP",
  container: "ACI_CONTAINER",
  clientId: "AZURE_CLIENT_ID",
  armEndpoint: "ARM_ENDPOINT",
  apiKeys: "TRIGGER_API_KEYS",
  allowUnauthenticated: "TRIGGER_ALLOW_UNAUTHENTICATED",
  secrets: "ACI_SECRETS",
  allowedEnvNames: "TRIGGER_ALLOWED_ENV_NAMES",
  maxEnvCount: "TRIGGER_MAX_ENV_COUNT",
  maxEnvBytes: "TRIGGER_MAX_ENV_BYTES",
  maxBodyBytes: "TRIGGER_MAX_BODY_BYTES",
  armRetryTimeoutMs: "TRIGGER_ARM_RETRY_TIMEOUT_MS",
  logLevel: "LOG_LEVEL",
} as const;

export type ConfigName = (typeof configNames)[keyof typeof configNames];

/** Config values that carry secrets: the Pulumi program must pass them as Container App secrets. */
export const secretConfigNames: readonly ConfigName[] = [configNames.apiKeys, configNames.secrets];
