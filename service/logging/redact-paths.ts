/**
 * The fields of a log line whose values are never written, whatever a call site passes. Each
 * path is where a shape the service holds keeps a credential, a secret or a caller's env, under
 * the field name the service logs that shape by, so the rest of the shape stays readable: a run's
 * env keeps its names, a config its settings, a key its label.
 */
export const redactPaths = [
  // The Authorization header (an API key or an Entra ID token): a header map, or a request's; in
  // Hono's lower case or as a caller writes it.
  "authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  // A bearer token on its own.
  "token",
  // The API keys (Config.auth.keys: { label, value }).
  "keys[*].value",
  "auth.keys[*].value",
  "config.auth.keys[*].value",
  // A caller's Idempotency-Key: the store keeps only its hash.
  "idempotencyKey",
  // A run's env values (RunRequest, RunRecord, RunView, a request body).
  "env.*",
  "run.env.*",
  "request.env.*",
  "body.env.*",
  // The target container's base env (ACI_CONTAINER_BASE), which a run starts from.
  "containerBase.env.*",
  "config.containerBase.env.*",
  // The store's connection string (Config.storage): it holds the account key.
  "connectionString",
  "storage.connectionString",
  "config.storage.connectionString",
  // ACI_SECRETS (Config.secrets, the run service's `secrets`): every value in it is a secret.
  "secrets",
  "config.secrets",
] as const;

/** What a redacted value is written as. */
export const redactedValue = "[redacted]";
