import * as pulumi from "@pulumi/pulumi";
import { AciHttpTrigger, type EntraCallers } from "./trigger.js";
import type { WebhookEventType } from "../service/core/webhook-event.js";
import type { DispatchMode } from "../service/config-variables.js";
import type { LogArchiveArgs, StandbyDispatchArgs } from "./trigger-args.js";
import type { TunableServiceSetting } from "./validate.js";

// The stack's configuration, read once. Keys match the component's argument names, so a
// validation message naming an argument also names the config key to fix.
const config = new pulumi.Config();
const serviceImage = config.get("serviceImage");

const webhookUrl = config.get("webhookUrl");
const webhookAllowedOrigins = config.getObject<string[]>("webhookAllowedOrigins");
const trigger = new AciHttpTrigger("trigger", {
  resourceGroupName: config.get("resourceGroupName"),
  location: config.get("location"),
  image: config.get("image") ?? "",
  command: config.getObject<string[]>("command"),
  cpu: config.getNumber("cpu"),
  memoryInGB: config.getNumber("memoryInGB"),
  containerName: config.get("containerName"),
  environment: config.getObject<Record<string, string>>("environment"),
  secureEnvironment: config.getSecretObject<Record<string, string>>("secureEnvironment"),
  poolSize: config.getNumber("poolSize"),
  dispatch: config.get("dispatch") as DispatchMode | undefined,
  standby: config.getObject<StandbyDispatchArgs>("standby"),
  serviceImage,
  // Without a ready image, build this repository's Dockerfile (pulumi runs at the repository root).
  serviceBuild: serviceImage === undefined ? { context: "." } : undefined,
  apiKeys: config.getSecret("apiKeys"),
  armEndpoint: config.get("armEndpoint"),
  serviceSettings: config.getObject<Partial<Record<TunableServiceSetting, string>>>("serviceSettings"),
  logRetentionInDays: config.getNumber("logRetentionInDays"),
  logs: config.getObject<LogArchiveArgs>("logs"),
  entra: config.getObject<EntraCallers>("entra"),
  // A URL or per-run origins need the signing secret: requireSecret names the key when it is missing.
  ...(webhookUrl !== undefined || webhookAllowedOrigins !== undefined
    ? {
        webhook: {
          url: webhookUrl,
          secret: config.requireSecret("webhookSecret"),
          allowedOrigins: webhookAllowedOrigins,
          events: config.getObject<WebhookEventType[]>("webhookEvents"),
          backoffSeconds: config.getNumber("webhookBackoffSeconds"),
          retryHours: config.getNumber("webhookRetryHours"),
          timeoutMs: config.getNumber("webhookTimeoutMs"),
        },
      }
    : {}),
  tags: config.getObject<Record<string, string>>("tags"),
});

export const url = trigger.url;
export const runsUrl = trigger.runsUrl;
export const apiKey = trigger.apiKey;
export const resourceGroupName = trigger.resourceGroupName;
export const containerGroupNames = trigger.containerGroupNames;
export const containerGroupProfileId = trigger.containerGroupProfileId;
export const standbyPoolId = trigger.standbyPoolId;
export const storageAccountName = trigger.storageAccountName;
export const identityClientId = trigger.identityClientId;
export const registryLoginServer = trigger.registryLoginServer;
