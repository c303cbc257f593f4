import { describe, expect, it } from "vitest";
import { aciSecretsDocument } from "../../infra/aci-secrets.js";
import { type ContainerAppEnvVar, type ContainerAppSecret, serviceEnvironment } from "../../infra/service-env.js";
import { apiKeyProblems } from "../../infra/validate.js";
import { ConfigError, parseConfig } from "../../service/config.js";

/** The process environment Container Apps gives the service: plain values, and secretRefs resolved. */
function containerEnvironment(env: ContainerAppEnvVar[], secrets: ContainerAppSecret[]): Record<string, string> {
  const secretValues = new Map(secrets.map((secret) => [secret.name, secret.value as string]));
  return Object.fromEntries(
    env.map((entry) => [entry.name, entry.secretRef === undefined ? (entry.value as string) : secretValues.get(entry.secretRef)!]),
  );
}

const provisioned = {
  subscriptionId: "6f0c1f7e-2b4d-4c8e-9a51-3d2e7b9c0a14",
  resourceGroup: "rg-trigger-dev",
  containerGroups: ["trigger-1a2b3c4d-1"],
  container: "worker",
  containerImage: "registry.example/jobs/report:1.4",
  containerBase: JSON.stringify({ env: { MODE: "nightly" }, command: ["python", "job.py"] }),
  clientId: "0d7a3c52-9e1f-4b6a-8c2d-5f4e3b2a1c09",
  armEndpoint: "https://management.azure.com",
  apiKeys: "generated-key-abcdefghijklmnopqrstuvwxyz012345",
  secrets: aciSecretsDocument({
    containerName: "worker",
    secureEnvironment: { DB_PASSWORD: "hunter2-hunter2" },
    logAnalyticsWorkspaceKey: "d29ya3NwYWNlLWtleQ==",
  }),
  storageAccount: "acitrigger0123456789abcd",
};

describe("the service configuration the program deploys", () => {
  it("is one the service itself accepts, naming the provisioned group, identity and secrets", () => {
    const { env, secrets } = serviceEnvironment(provisioned);
    const config = parseConfig(containerEnvironment(env, secrets));
    expect(config).toMatchObject({
      port: 8080,
      subscriptionId: provisioned.subscriptionId,
      resourceGroup: provisioned.resourceGroup,
      containerGroups: ["trigger-1a2b3c4d-1"],
      container: "worker",
      containerImage: "registry.example/jobs/report:1.4",
      containerBase: { env: { MODE: "nightly" }, command: ["python", "job.py"] },
      clientId: provisioned.clientId,
      armEndpoint: provisioned.armEndpoint,
      auth: { kind: "required", keys: [{ label: "key-1", value: provisioned.apiKeys }] },
      secrets: { env: { worker: { DB_PASSWORD: "hunter2-hunter2" } }, logAnalyticsWorkspaceKey: "d29ya3NwYWNlLWtleQ==" },
      storage: { kind: "account", account: provisioned.storageAccount },
    });
  });

  it("is a pool the service dispatches to, in the program's order", () => {
    const containerGroups = ["trigger-1a2b3c4d-1", "trigger-1a2b3c4d-2", "trigger-1a2b3c4d-3"];
    const { env, secrets } = serviceEnvironment({ ...provisioned, containerGroups });
    expect(parseConfig(containerEnvironment(env, secrets)).containerGroups).toEqual(containerGroups);
  });

  it("in standby mode is one the service accepts: no fixed group, the profile revision and the pool it claims from", () => {
    const profileId = `/subscriptions/${provisioned.subscriptionId}/resourceGroups/${provisioned.resourceGroup}/providers/Microsoft.ContainerInstance/containerGroupProfiles/trigger-profile`;
    const poolId = `/subscriptions/${provisioned.subscriptionId}/resourceGroups/${provisioned.resourceGroup}/providers/Microsoft.StandbyPool/standbyContainerGroupPools/trigger-pool`;
    const { env, secrets } = serviceEnvironment({
      ...provisioned,
      containerGroups: [],
      dispatchMode: "standby",
      maxActiveGroups: "25",
      standby: { location: "westeurope", profileId, profileRevision: "3", poolId },
    });
    const config = parseConfig(containerEnvironment(env, secrets));
    expect(config.dispatch).toEqual({ mode: "standby", location: "westeurope", profile: { id: profileId, revision: 3 }, pool: poolId, maxActiveGroups: 25 });
  });

  it("carries every tunable setting into the service's own limits", () => {
    const { env, secrets } = serviceEnvironment({
      ...provisioned,
      settings: {
        allowedEnvNames: "INPUT,OUTPUT",
        maxEnvCount: "7",
        maxEnvBytes: "2048",
        maxBodyBytes: "4096",
        armRetryTimeoutMs: "5000",
        armRequestTimeoutMs: "2000",
        maxQueued: "0",
        runRetentionDays: "30",
        reconcileIntervalMs: "1000",
        logLevel: "warn",
        defaultTimeoutSeconds: "600",
        maxTimeoutSeconds: "3600",
        startTimeoutSeconds: "900",
        defaultMaxRetries: "3",
        retryBackoffSeconds: "2.5",
      },
    });
    const config = parseConfig(containerEnvironment(env, secrets));
    expect(config.limits).toEqual({ maxEnvCount: 7, maxEnvBytes: 2048, maxBodyBytes: 4096, allowedEnvNames: new Set(["INPUT", "OUTPUT"]), maxTimeoutSeconds: 3600 });
    expect(config.runDefaults).toEqual({ timeoutSeconds: 600, maxRetries: 3, startTimeoutSeconds: 900, retryBackoffSeconds: 2.5 });
    expect(config).toMatchObject({
      armRetryTimeoutMs: 5000,
      armRequestTimeoutMs: 2000,
      maxQueued: 0,
      runRetentionDays: 30,
      reconcileIntervalMs: 1000,
      logLevel: "warn",
    });
  });

  it("lets Entra ID callers of the deploying tenant in beside the keys when enabled, and trusts the one ingress hop", () => {
    const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const allowedClient = "3c1b6f0e-8d2a-4f5b-9e7c-1a2b3c4d5e6f";
    const { env, secrets } = serviceEnvironment({
      ...provisioned,
      entra: { tenantId, audience: "api://aci-trigger", requiredRole: "Runs.Start", allowedClients: allowedClient },
    });
    const config = parseConfig(containerEnvironment(env, secrets));
    expect(config.auth).toMatchObject({
      kind: "required",
      entra: { tenantId, audiences: ["api://aci-trigger"], requiredRole: "Runs.Start", allowedClients: [allowedClient] },
    });
    expect(containerEnvironment(env, secrets)["TRIGGER_TRUSTED_PROXY_HOPS"]).toBe("1");
    expect(parseConfig(containerEnvironment(...Object.values(serviceEnvironment(provisioned)) as [ContainerAppEnvVar[], ContainerAppSecret[]])).auth).not.toHaveProperty("entra");
  });

  it("refuses exactly the API keys the program refuses before deploying them", () => {
    for (const key of ["k".repeat(15), "k".repeat(16), `ops:${"k".repeat(15)}`, `ops:${"k".repeat(16)}`]) {
      const { env, secrets } = serviceEnvironment({ ...provisioned, apiKeys: key });
      const serviceAccepts = (() => {
        try {
          parseConfig(containerEnvironment(env, secrets));
          return true;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          return false;
        }
      })();
      expect(serviceAccepts).toBe(apiKeyProblems(key).length === 0);
    }
    expect(apiKeyProblems("k".repeat(15))).not.toEqual([]);
  });

  it("would be refused by the service if a setting the program passes were malformed", () => {
    const { env, secrets } = serviceEnvironment({ ...provisioned, settings: { maxEnvCount: "many" } });
    expect(() => parseConfig(containerEnvironment(env, secrets))).toThrow(ConfigError);
  });
});
