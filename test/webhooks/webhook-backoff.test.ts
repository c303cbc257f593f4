import { describe, expect, it } from "vitest";
import { parseConfig } from "../../service/config.js";
import { configNames } from "../../service/config-names.js";
import { retryDelayMs } from "../../service/core/retry-backoff.js";
import { webhookBackoff } from "../../service/webhooks/deliver-outbox.js";

const env = {
  [configNames.subscriptionId]: "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
  [configNames.resourceGroup]: "rg",
  [configNames.containerGroup]: "job",
  [configNames.apiKeys]: "k3y-that-is-long-enough",
  [configNames.storageAccount]: "triggerruns",
};

describe("the delivery backoff", () => {
  it("retries first within 30 s by default, whatever the jitter draws", () => {
    const backoff = webhookBackoff(parseConfig(env).webhook.backoffSeconds);
    for (const random of [0, 0.5, 0.999_999]) expect(retryDelayMs(backoff, 1, random)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(backoff, 1, 0)).toBeGreaterThan(0);
  });

  it("takes its base from TRIGGER_WEBHOOK_BACKOFF_SECONDS and doubles it per failure, never past an hour", () => {
    const backoff = webhookBackoff(parseConfig({ ...env, [configNames.webhookBackoffSeconds]: "0.2" }).webhook.backoffSeconds);
    expect(retryDelayMs(backoff, 1, 0.999_999)).toBe(200);
    expect(retryDelayMs(backoff, 3, 0.999_999)).toBe(800);
    expect(retryDelayMs(webhookBackoff(5), 40, 1)).toBe(3_600_000);
  });
});
