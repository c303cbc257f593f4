import { describe, expect, it } from "vitest";
import { configNames, secretConfigNames } from "../../service/config-names.js";
import { serviceEnvironment } from "../../infra/service-env.js";
import { tunableServiceSettings } from "../../infra/validate.js";

const values = {
  subscriptionId: "sub",
  resourceGroup: "rg",
  containerGroups: ["group-1"],
  container: "worker",
  containerImage: "registry.example/jobs/report:1.4",
  containerBase: JSON.stringify({ env: {} }),
  clientId: "client",
  armEndpoint: "https://management.azure.com",
  apiKeys: "k1,k2",
  secrets: "{}",
  storageAccount: "acitriggerstore",
};

// The names the service needs to start against a real group; the rest have service defaults.
const required = [
  configNames.port,
  configNames.subscriptionId,
  configNames.resourceGroup,
  configNames.containerGroup,
  configNames.container,
  configNames.containerImage,
  configNames.containerBase,
  configNames.clientId,
  configNames.armEndpoint,
  configNames.apiKeys,
  configNames.secrets,
  configNames.storageAccount,
  configNames.trustedProxyHops,
];

describe("serviceEnvironment", () => {
  it("sets only names the service reads, and every required one", () => {
    const all = serviceEnvironment({
      ...values,
      settings: Object.fromEntries(tunableServiceSettings.map((setting) => [setting, "1"])),
    });
    const known: string[] = Object.values(configNames);
    const names = all.env.map((entry) => entry.name);
    for (const name of names) expect(known).toContain(name);
    expect(new Set(names).size).toBe(names.length);

    const minimal = serviceEnvironment(values).env.map((entry) => entry.name);
    expect([...minimal].sort()).toEqual([...required].sort());
  });

  it("names a pool of one by ACI_CONTAINER_GROUP, which every service version reads, and a larger pool by ACI_CONTAINER_GROUPS", () => {
    const one = serviceEnvironment(values).env;
    expect(one).toContainEqual({ name: configNames.containerGroup, value: "group-1" });
    expect(one.map((entry) => entry.name)).not.toContain(configNames.containerGroups);

    const three = serviceEnvironment({ ...values, containerGroups: ["group-1", "group-2", "group-3"] }).env;
    expect(three).toContainEqual({ name: configNames.containerGroups, value: "group-1,group-2,group-3" });
    expect(three.map((entry) => entry.name)).not.toContain(configNames.containerGroup);
  });

  it("refuses an empty pool", () => {
    expect(() => serviceEnvironment({ ...values, containerGroups: [] })).toThrow("A trigger needs at least one container group.");
  });

  it("tells the service which storage account holds its runs", () => {
    expect(serviceEnvironment(values).env).toContainEqual({ name: configNames.storageAccount, value: "acitriggerstore" });
  });

  it("never lets the service run without keys", () => {
    const names = serviceEnvironment({ ...values, settings: { logLevel: "debug" } }).env.map((entry) => entry.name);
    expect(names).not.toContain(configNames.allowUnauthenticated);
  });

  it("passes every secret name by secretRef and never as a value", () => {
    const webhook = { url: "https://hooks.example/trigger", secret: `whsec_${Buffer.alloc(24, 5).toString("base64")}` };
    const { env, secrets } = serviceEnvironment({ ...values, appInsightsConnectionString: "InstrumentationKey=ik", webhook });
    // The store is reached with the identity, so no connection string (a secret) is deployed.
    expect(env.map((entry) => entry.name)).not.toContain(configNames.storageConnectionString);
    for (const name of secretConfigNames.filter((secretName) => secretName !== configNames.storageConnectionString)) {
      const entry = env.find((candidate) => candidate.name === name);
      expect(entry?.value).toBeUndefined();
      expect(secrets.map((secret) => secret.name)).toContain(entry?.secretRef);
    }
    expect(secrets).toEqual([
      { name: "trigger-api-keys", value: "k1,k2" },
      { name: "aci-secrets", value: "{}" },
      { name: "applicationinsights-connection-string", value: "InstrumentationKey=ik" },
      { name: "trigger-webhook-secret", value: webhook.secret },
    ]);
  });

  it("maps each tunable setting to the service's own variable name", () => {
    const { env } = serviceEnvironment({
      ...values,
      settings: { maxEnvCount: "50", logLevel: "debug", maxQueued: "0", runRetentionDays: "30", armRequestTimeoutMs: "5000", allowCommand: "false" },
    });
    expect(env).toContainEqual({ name: configNames.maxEnvCount, value: "50" });
    expect(env).toContainEqual({ name: configNames.logLevel, value: "debug" });
    expect(env).toContainEqual({ name: configNames.maxQueued, value: "0" });
    expect(env).toContainEqual({ name: configNames.runRetentionDays, value: "30" });
    expect(env).toContainEqual({ name: configNames.armRequestTimeoutMs, value: "5000" });
    expect(env).toContainEqual({ name: configNames.allowCommand, value: "false" });
  });
});
