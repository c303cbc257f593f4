import type { ErrorCode } from "../core/error-code.js";

export type { ErrorCode };

/**
 * The HTTP status of every error code, whether its answer carries `Retry-After`, and what a
 * caller should do about it. The OpenAPI document and the README's error table are built from
 * this table; typed by `ErrorCode`, it must name every code and no other.
 */
export const errorCodes = {
  InvalidRequest: { status: 400, action: "Fix the field named in the message; do not retry unchanged." },
  SecureVariableOverride: { status: 400, action: "Drop the named variables from `env`: the group holds them as secure values." },
  WebhookUrlNotAllowed: { status: 400, action: "Send `webhookUrl` on an origin listed in TRIGGER_WEBHOOK_ALLOWED_ORIGINS, or ask the operator to list yours." },
  Unauthorized: { status: 401, action: "Send `Authorization: Bearer <credential>`: a current key, or an Entra ID access token for this API." },
  NotFound: { status: 404, action: "Check the path against the API list." },
  RunNotFound: { status: 404, action: "The id was never a run, or it is older than the retention; check it." },
  MethodNotAllowed: { status: 405, action: "Use a method from the `Allow` header." },
  RunInProgress: { status: 409, action: "Wait for the run named in `error.runId` to finish, or cancel it, then retry." },
  DeliveryNotFound: { status: 404, action: "The run has no webhook event with this id; list them with `GET /runs/{id}/deliveries`." },
  RunNotActive: { status: 409, action: "Nothing to cancel: the run already ended with the status in `error.status`." },
  QueueFull: { status: 409, action: "As many runs as TRIGGER_MAX_QUEUED already wait; retry once some have started." },
  LogsUnavailable: { status: 410, action: "The run's group now holds another deployment and Azure kept no logs of this run." },
  PayloadTooLarge: { status: 413, action: "Send a smaller body (see Limits)." },
  UnsupportedMediaType: { status: 415, action: "Send the body as `Content-Type: application/json`." },
  IdempotencyKeyReused: { status: 422, action: "Use a new `Idempotency-Key` for a different body." },
  TooManyFailedAuthentications: { status: 429, retryAfter: true, action: "Too many failed authentications from this client: wait `Retry-After` seconds, then retry with a valid credential." },
  TooManyRequests: { status: 429, retryAfter: true, action: "Too many runs were started in the last minute: retry after `Retry-After` seconds." },
  HeadersTooLarge: { status: 431, action: "Send smaller request headers: a bearer token or cookie too long for the server's limit (16 KB in all)." },
  InternalError: { status: 500, action: "Retry later; report the `X-Request-Id` if it persists." },
  ArmUnavailable: { status: 502, action: "Azure Resource Manager failed or was unreachable; retry later." },
  ArmAccessDenied: { status: 502, action: "Operator: grant the service's identity its role on the container group." },
  ArmRejectedDefinition: { status: 502, action: "Operator: Azure rejected the group definition (ARM code in `error.armCode`); fix the group. No run started." },
  ArmRejectedRequest: { status: 502, action: "Azure refused a stop or log read (ARM code in `error.armCode`)." },
  ArmConflict: { status: 502, action: "Azure refused the operation for the group's state (ARM code in `error.armCode`); retry later." },
  ContainerGroupNotFound: { status: 502, action: "Operator: the configured container group does not exist; deploy it or fix the configuration." },
  ArmBusy: { status: 503, retryAfter: true, action: "Azure is throttling or the group is still transitioning; retry after `Retry-After` seconds." },
  SecretNotConfigured: { status: 503, action: "Operator: configure the secrets named in the message; no run was started." },
  ContainerNotFound: { status: 503, action: "Operator: the configured container is not in the group; fix the configuration." },
  StoreUnavailable: { status: 503, retryAfter: true, action: "The run store failed or was unreachable; retry after `Retry-After` seconds. Operator: check the storage account and the identity's table role." },
  TooManyTags: { status: 503, action: "Operator: remove tags from the group so the run record fits (ARM allows 50)." },
  EntraUnavailable: { status: 503, action: "Entra ID's signing keys could not be fetched, so no token can be checked: retry later (key callers are unaffected)." },
  NotReady: { status: 503, action: "Probe only: the check named in `checks` failed." },
} as const satisfies Record<ErrorCode, { status: number; retryAfter?: true; action: string }>;
