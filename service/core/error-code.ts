/**
 * Every stable error code the service answers with. The run service and the ports speak these;
 * http/error-codes.ts gives each its HTTP status and README action, keyed by this list, so a code
 * without a status does not compile.
 */
export type ErrorCode =
  | "InvalidRequest"
  | "SecureVariableOverride"
  | "WebhookUrlNotAllowed"
  | "Unauthorized"
  | "NotFound"
  | "RunNotFound"
  | "MethodNotAllowed"
  | "RunInProgress"
  | "RunNotActive"
  | "DeliveryNotFound"
  | "QueueFull"
  | "LogsUnavailable"
  | "PayloadTooLarge"
  | "UnsupportedMediaType"
  | "IdempotencyKeyReused"
  | "HeadersTooLarge"
  | "TooManyFailedAuthentications"
  | "TooManyRequests"
  | "InternalError"
  | "ArmUnavailable"
  | "ArmAccessDenied"
  | "ArmRejectedDefinition"
  | "ArmRejectedRequest"
  | "ArmConflict"
  | "ContainerGroupNotFound"
  | "ArmBusy"
  | "SecretNotConfigured"
  | "ContainerNotFound"
  | "StoreUnavailable"
  | "TooManyTags"
  | "EntraUnavailable"
  | "NotReady";
