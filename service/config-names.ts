/**
 * The names of the environment variables the trigger service reads. The Pulumi program imports
 * this module to configure the Container App, so the two cannot drift apart.
 */
export const configNames = {
  port: "PORT",
  subscriptionId: "AZURE_SUBSCRIPTION_ID",
  resourceGroup: "ACI_RESOURCE_GROUP",
  containerGroup: "ACI_CONTAINER_GROUP",
  containerGroups: "ACI_CONTAINER_GROUPS",
  container: "ACI_CONTAINER",
  containerImage: "ACI_CONTAINER_IMAGE",
  containerBase: "ACI_CONTAINER_BASE",
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
  armRequestTimeoutMs: "TRIGGER_ARM_REQUEST_TIMEOUT_MS",
  storageConnectionString: "TRIGGER_STORAGE_CONNECTION_STRING",
  storageAccount: "TRIGGER_STORAGE_ACCOUNT",
  storagePartition: "TRIGGER_STORAGE_PARTITION",
  runRetentionDays: "TRIGGER_RUN_RETENTION_DAYS",
  reconcileIntervalMs: "TRIGGER_RECONCILE_INTERVAL_MS",
  maxQueued: "TRIGGER_MAX_QUEUED",
  allowCommand: "TRIGGER_ALLOW_COMMAND",
  listenAddress: "TRIGGER_LISTEN_ADDRESS",
  maxStartsPerMinute: "TRIGGER_MAX_STARTS_PER_MINUTE",
  maxFailedAuthPerMinute: "TRIGGER_MAX_FAILED_AUTH_PER_MINUTE",
  trustedProxyHops: "TRIGGER_TRUSTED_PROXY_HOPS",
  entraTenantId: "TRIGGER_ENTRA_TENANT_ID",
  entraAudience: "TRIGGER_ENTRA_AUDIENCE",
  entraRequiredRole: "TRIGGER_ENTRA_REQUIRED_ROLE",
  entraAllowedClients: "TRIGGER_ENTRA_ALLOWED_CLIENTS",
  entraAuthority: "TRIGGER_ENTRA_AUTHORITY",
  entraAcceptV1Tokens: "TRIGGER_ENTRA_ACCEPT_V1_TOKENS",
  logLevel: "LOG_LEVEL",
  /** Telemetry goes to Application Insights; the OpenTelemetry SDK reads the other OTEL_* itself. */
  appInsightsConnectionString: "APPLICATIONINSIGHTS_CONNECTION_STRING",
  otlpEndpoint: "OTEL_EXPORTER_OTLP_ENDPOINT",
  otlpProtocol: "OTEL_EXPORTER_OTLP_PROTOCOL",
  otelSdkDisabled: "OTEL_SDK_DISABLED",
  metricsRoute: "TRIGGER_METRICS",
  defaultTimeoutSeconds: "TRIGGER_DEFAULT_TIMEOUT_SECONDS",
  maxTimeoutSeconds: "TRIGGER_MAX_TIMEOUT_SECONDS",
  startTimeoutSeconds: "TRIGGER_START_TIMEOUT_SECONDS",
  defaultMaxRetries: "TRIGGER_DEFAULT_MAX_RETRIES",
  retryBackoffSeconds: "TRIGGER_RETRY_BACKOFF_SECONDS",
  webhookUrl: "TRIGGER_WEBHOOK_URL",
  webhookSecret: "TRIGGER_WEBHOOK_SECRET",
  webhookEvents: "TRIGGER_WEBHOOK_EVENTS",
  webhookRetryHours: "TRIGGER_WEBHOOK_RETRY_HOURS",
  webhookTimeoutMs: "TRIGGER_WEBHOOK_TIMEOUT_MS",
  webhookAllowedOrigins: "TRIGGER_WEBHOOK_ALLOWED_ORIGINS",
  webhookBackoffSeconds: "TRIGGER_WEBHOOK_BACKOFF_SECONDS",
  logArchiveMaxBytes: "TRIGGER_LOG_ARCHIVE_MAX_BYTES",
  logCopyIntervalMs: "TRIGGER_LOG_COPY_INTERVAL_MS",
  logFinalCopyTimeoutMs: "TRIGGER_LOG_FINAL_COPY_TIMEOUT_MS",
  dispatchMode: "TRIGGER_DISPATCH_MODE",
  location: "ACI_LOCATION",
  containerGroupProfile: "ACI_CONTAINER_GROUP_PROFILE",
  containerGroupProfileRevision: "ACI_CONTAINER_GROUP_PROFILE_REVISION",
  standbyPool: "ACI_STANDBY_POOL",
  maxActiveGroups: "TRIGGER_MAX_ACTIVE_GROUPS",
} as const;

export type ConfigName = (typeof configNames)[keyof typeof configNames];

/** Config values that carry secrets: the Pulumi program must pass them as Container App secrets. */
export const secretConfigNames: readonly ConfigName[] = [configNames.apiKeys, configNames.secrets, configNames.storageConnectionString, configNames.appInsightsConnectionString, configNames.webhookSecret];

/**
 * The storage the service keeps its state in, inside the account named by TRIGGER_STORAGE_ACCOUNT
 * (or the connection string). Fixed names: the Pulumi program creates exactly these, and the
 * service's role is scoped to the account that holds them.
 */
export const storageNames = {
  /** Azure Table: runs, idempotency keys, queue order and group leases. */
  runsTable: "triggerruns",
  /** Storage queue kept non-empty while a run is queued or active, so a scale rule keeps a replica awake. */
  wakeQueue: "trigger-wake",
  /** Blob container of the log archive: an append blob per run. */
  logContainer: "run-logs",
} as const;
