import { describe, expect, it } from "vitest";
import { configNames, secretConfigNames } from "../../service/config-names.js";
import { serviceEnvironment } from "../../infra/service-env.js";
import { tunableServiceSettings } from "../../infra/validate.js";

const values = {
  subscriptionId: "sub",
  resourceGroup: "rg",
  containerGroup: "group",
  container: "worker",
  clientId: "client",
  armEndpoint: "https://management.azure.com",
  apiKeys: "k1,k2",
  secrets: "{}",
};

// The names the service needs to start against a real group; the rest have service defaults.
const required = [
  configNames.port,
  configNames.subscriptionId,
  configNames.resourceGroup,
  configNames.containerGroup,
  configNames.container,
  configNames.clientId,
  configNames.armEndpoint,
  configNames.apiKeys,
  configNames.secrets,
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

  it("never lets the service run without keys", () => {
    const names = serviceEnvironment({ ...values, settings: { logLevel: "debug" } }).env.map((entry) => entry.name);
    expect(names).not.toContain(configNames.allowUnauthenticated);
  });

  it("passes every secret name by secretRef and never as a value", () => {
    const { env, secrets } = serviceEnvironment(values);
    for (const name of secretConfigNames) {
      const entry = env.find((candidate) => candidate.name === name);
      expect(entry?.value).toBeUndefined();
      expect(secrets.map((secret) => secret.name)).toContain(entry?.secretRef);
    }
    expect(secrets).toEqual([
      { name: "trigger-api-keys", value: "k1,k2" },
      { name: "aci-secrets", value: "{}" },
    ]);
  });

  it("maps each tunable setting to the service's own variable name", () => {
    const { env } = serviceEnvironment({ ...values, settings: { maxEnvCount: "50", logLevel: "debug" } });
    expect(env).toContainEqual({ name: configNames.maxEnvCount, value: "50" });
    expect(env).toContainEqual({ name: configNames.logLevel, value: "debug" });
  });
});
