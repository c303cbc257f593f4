import * as pulumi from "@pulumi/pulumi";
import { type ConfigName, configNames } from "../service/config-names.js";
import type { WebhookEventType } from "../service/core/webhook-event.js";
import { refuse, serviceSettingProblems } from "./service-check.js";
import { settingText } from "./setting-text.js";

/**
 * Signed completion webhooks (Standard Webhooks), as the stack takes them. Run events go to
 * `url`, and to a run's own `webhookUrl` when its origin is in `allowedOrigins`; both need the
 * signing secret, which the service requires whenever either is set.
 */
export interface WebhookArgs {
  /** Where every run's events go; may be left out when only per-run URLs are wanted. */
  readonly url?: pulumi.Input<string>;
  /** `whsec_` and the base64 of at least 24 bytes; two, comma-separated, during a rotation. Kept a Pulumi secret. */
  readonly secret: pulumi.Input<string>;
  /**
   * Origins (`https://host[:port]`, no path) a run's own `webhookUrl` may name. A listed origin may
   * also be plain http or resolve to an internal address, so list only receivers you run.
   */
  readonly allowedOrigins?: string[];
  /** The event types sent; all of them when absent. */
  readonly events?: WebhookEventType[];
  /** The wait after a delivery's first failure, before jitter; it doubles per failure. */
  readonly backoffSeconds?: number;
  /** How long a delivery is retried, in hours. */
  readonly retryHours?: number;
  /** One attempt's timeout, in milliseconds. */
  readonly timeoutMs?: number;
}

/** The webhook's settings as the service reads them: lists comma-separated, numbers as text. */
export interface WebhookValues {
  url?: pulumi.Input<string>;
  /** Secret; undefined when none was given, so the service's rule that requires it sees that at preview. */
  secret?: pulumi.Input<string>;
  allowedOrigins?: string;
  events?: string;
  backoffSeconds?: string;
  retryHours?: string;
  timeoutMs?: string;
}

/**
 * The webhook's settings the service will read. The secret is checked by the service's own rule
 * once its value is known, so a malformed one fails the deployment instead of the service's start.
 */
export function webhookValues(webhook: WebhookArgs): WebhookValues {
  const checked = (secret: pulumi.Input<string>) =>
    pulumi.secret(
      pulumi.output(secret).apply((value) => {
        refuse(serviceSettingProblems([[configNames.webhookSecret, value]]));
        return value;
      }),
    );
  return {
    url: webhook.url,
    secret: webhook.secret === undefined ? undefined : checked(webhook.secret),
    allowedOrigins: settingText(webhook.allowedOrigins),
    events: settingText(webhook.events),
    backoffSeconds: settingText(webhook.backoffSeconds),
    retryHours: settingText(webhook.retryHours),
    timeoutMs: settingText(webhook.timeoutMs),
  };
}

/** Every webhook variable of the service, unset when not given (the service's defaults). */
export function webhookEntries(values: WebhookValues | undefined): [ConfigName, pulumi.Input<string> | undefined][] {
  return [
    [configNames.webhookUrl, values?.url],
    [configNames.webhookSecret, values?.secret],
    [configNames.webhookAllowedOrigins, values?.allowedOrigins],
    [configNames.webhookEvents, values?.events],
    [configNames.webhookBackoffSeconds, values?.backoffSeconds],
    [configNames.webhookRetryHours, values?.retryHours],
    [configNames.webhookTimeoutMs, values?.timeoutMs],
  ];
}
