import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { configNames } from "../../service/config-names.js";
import { collectDeploymentFailures } from "./deployment-failures.js";
import { readyImageArgs, useTriggerMocks } from "./deploy-trigger.js";
import { resource, reveal } from "./pulumi-mocks.js";

// A malformed secret is seen only once its value is known, inside an apply: collected here as
// the engine would see the failed deployment.
const failures = collectDeploymentFailures();
afterAll(() => {
  for (const failure of failures.all) expect(failure.message).toMatch(/Invalid configuration: TRIGGER_WEBHOOK_SECRET /);
});

const { registered, deploy, serviceEnv } = useTriggerMocks();
const secret = `whsec_${Buffer.alloc(24, 7).toString("base64")}`;

async function component() {
  return (await import("../../infra/trigger.js")).AciHttpTrigger;
}

describe("per-run webhook URLs through the stack", () => {
  it("lists the allowed origins, event types, backoff, retry window and timeout under the service's names, with no global URL", async () => {
    await deploy("perrun", {
      ...readyImageArgs,
      webhook: {
        secret: pulumi.secret(secret),
        allowedOrigins: ["https://hooks.example", "https://receiver.example:8443"],
        events: ["run.succeeded", "run.failed"],
        backoffSeconds: 2.5,
        retryHours: 6,
        timeoutMs: 5_000,
      },
    });
    const env = serviceEnv("perrun");
    const plain = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    expect(plain).toMatchObject({
      [configNames.webhookAllowedOrigins]: "https://hooks.example,https://receiver.example:8443",
      [configNames.webhookEvents]: "run.succeeded,run.failed",
      [configNames.webhookBackoffSeconds]: "2.5",
      [configNames.webhookRetryHours]: "6",
      [configNames.webhookTimeoutMs]: "5000",
    });
    expect(env.map((e) => e.name)).not.toContain(configNames.webhookUrl);
    expect(env.find((e) => e.name === configNames.webhookSecret)).toEqual({ name: configNames.webhookSecret, secretRef: "trigger-webhook-secret" });
    const secrets = reveal(resource(registered, "perrun-service").inputs.configuration).secrets as { name: string; value: string }[];
    expect(secrets.find((s) => s.name === "trigger-webhook-secret")?.value).toBe(secret);
  });

  it("leaves every webhook setting unset without a webhook, so the service sends none", async () => {
    await deploy("nohooks");
    const names = serviceEnv("nohooks").map((e) => e.name);
    for (const name of [configNames.webhookUrl, configNames.webhookSecret, configNames.webhookAllowedOrigins, configNames.webhookEvents, configNames.webhookBackoffSeconds]) {
      expect(names).not.toContain(name);
    }
  });

  it("refuses listed origins without a secret at preview, with the service's own rule, before any resource exists", async () => {
    const AciHttpTrigger = await component();
    const webhook = { allowedOrigins: ["https://hooks.example"] } as unknown as { secret: string };
    expect(() => new AciHttpTrigger("unsigned", { ...readyImageArgs, webhook })).toThrow(
      `Invalid configuration: ${configNames.webhookSecret} is required when ${configNames.webhookUrl} or ${configNames.webhookAllowedOrigins} is set`,
    );
    expect([...registered.keys()].filter((name) => name.startsWith("unsigned-"))).toEqual([]);
  });

  it("refuses an origin with a path, or an unknown event type, at preview, naming the variable", async () => {
    const AciHttpTrigger = await component();
    expect(() => new AciHttpTrigger("pathy", { ...readyImageArgs, webhook: { secret, allowedOrigins: ["https://hooks.example/in"] } })).toThrow(
      `${configNames.webhookAllowedOrigins} must be comma-separated origins`,
    );
    const events = ["run.finished"] as unknown as ["run.failed"];
    expect(() => new AciHttpTrigger("evented", { ...readyImageArgs, webhook: { secret, url: "https://hooks.example/in", events } })).toThrow(
      `${configNames.webhookEvents} must be comma-separated event types`,
    );
  });

  it("fails the deployment on a malformed secret once it is known, naming the variable and not the value", async () => {
    const AciHttpTrigger = await component();
    new AciHttpTrigger("badsecret", { ...readyImageArgs, webhook: { url: "https://hooks.example/in", secret: pulumi.secret("not-a-whsec-secret") } });
    const failure = await failures.next(/TRIGGER_WEBHOOK_SECRET/);
    expect(failure.message).toContain(`Invalid configuration: ${configNames.webhookSecret}`);
    expect(failure.message).not.toContain("not-a-whsec-secret");
    expect(registered.get("badsecret-service")?.urn ?? "").toBe("");
  });
});
