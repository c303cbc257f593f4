import { configNames } from "../config-names.js";
import { ServiceError } from "./service-error.js";

/**
 * Whether a run may send its events to `url`: only to an origin the operator listed in
 * TRIGGER_WEBHOOK_ALLOWED_ORIGINS (the origin of TRIGGER_WEBHOOK_URL counts as listed), since
 * the service signs what it sends there with its own secret. Where the address resolves is
 * checked again at each send (webhooks/webhook-address.ts), as for every webhook.
 */
export function webhookUrlRefusal(url: string, allowedOrigins: ReadonlySet<string>): ServiceError | undefined {
  const origin = new URL(url).origin;
  if (allowedOrigins.has(origin)) return undefined;
  return new ServiceError("WebhookUrlNotAllowed", `The webhookUrl's origin ${origin} is not listed in ${configNames.webhookAllowedOrigins}; this service sends run events only to the origins its operator lists there.`);
}
