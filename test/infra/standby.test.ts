import { describe, expect, it } from "vitest";
import { aciApiVersion } from "../../aci/api-version.js";
import { containerGroupProfileName, standbyPoolName } from "../../infra/names.js";
import { serviceSettingProblems } from "../../infra/service-check.js";
import { serviceEnvironment } from "../../infra/service-env.js";
import { launcherPath } from "../../infra/standby.js";
import type { AciHttpTriggerArgs } from "../../infra/trigger-args.js";
import { type ConfigName, configNames } from "../../service/config-names.js";
import { readyImageArgs, useTriggerMocks } from "./deploy-trigger.js";
import { dependsOn, isSecretInput, resource, subscriptionId, valueOf } from "./pulumi-mocks.js";

const { registered, deploy, inputsOf, serviceEnv } = useTriggerMocks();
const seedOf = (name: string) => ({ project: "aci-http-trigger", stack: "dev", name });
const providerPrincipalId = "5b3e6f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
const standbyArgs: AciHttpTriggerArgs = { ...readyImageArgs, dispatch: "standby", standby: { providerPrincipalId, maxActiveGroups: 20 } };
const rgId = (name: string) => `/subscriptions/${subscriptionId}/resourceGroups/${name}-rg-1234`;
const roleId = (guid: string) => `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

function plainEnv(name: string): Record<string, string | undefined> {
  return Object.fromEntries(serviceEnv(name).map((e) => [e.name, e.value]));
}

describe("the container group profile", () => {
  it("is the pool mode's worker definition, its command wrapped by the launcher the job image carries", async () => {
    await deploy("asgroup");
    await deploy("asprofile", standbyArgs);
    expect(launcherPath).toBe("/aci-trigger/launch");
    const group = inputsOf("asgroup-group-1").properties;
    const [container] = group.containers;
    expect(inputsOf("asprofile-profile").properties).toEqual({
      ...group,
      containers: [{ ...container, properties: { ...container.properties, command: ["/bin/sh", "/aci-trigger/launch", "python", "job.py"] } }],
    });
    expect(container.properties.environmentVariables).toContainEqual({ name: "DB_PASSWORD", secureValue: "hunter2" });
  });

  it("is deployed at the api-version that knows profiles, under a stable name, its secrets kept secret", async () => {
    await deploy("profiled", standbyArgs);
    expect(resource(registered, "profiled-profile").type).toBe("azure-native:resources:Resource");
    expect(inputsOf("profiled-profile")).toMatchObject({
      resourceProviderNamespace: "Microsoft.ContainerInstance",
      resourceType: "containerGroupProfiles",
      resourceName: containerGroupProfileName(seedOf("profiled")),
      apiVersion: "2025-09-01",
      parentResourcePath: "",
    });
    expect(aciApiVersion).not.toBe("2025-09-01");
    expect(resource(registered, "profiled-profile").ignoreChanges).toEqual(["properties.revision", "properties.registeredRevisions"]);
    expect(isSecretInput(resource(registered, "profiled-profile").inputs.properties)).toBe(true);
  });
});

describe("the standby pool", () => {
  it("keeps 3 ready groups of the profile's deployed revision by default, refilled always", async () => {
    const trigger = await deploy("pooled", standbyArgs);
    expect(inputsOf("pooled-standby-pool")).toMatchObject({
      resourceProviderNamespace: "Microsoft.StandbyPool",
      resourceType: "standbyContainerGroupPools",
      resourceName: standbyPoolName(seedOf("pooled")),
      apiVersion: "2025-03-01",
      properties: {
        elasticityProfile: { maxReadyCapacity: 3, refillPolicy: "always" },
        containerGroupProperties: { containerGroupProfile: { id: await valueOf(trigger.containerGroupProfileId!), revision: 1 } },
      },
    });
    expect(standbyPoolName(seedOf("a-rather-long-component-name"))).toMatch(/^[a-zA-Z0-9-]{3,24}$/);
    await deploy("bigger", { ...standbyArgs, standby: { providerPrincipalId, maxReadyCapacity: 12 } });
    expect(inputsOf("bigger-standby-pool").properties.elasticityProfile.maxReadyCapacity).toBe(12);
  });

  it("lets the Standby Pool Resource Provider run the profile's groups in the resource group, and is made only after that took effect", async () => {
    await deploy("provider", standbyArgs);
    const grants = [...registered.values()].filter((entry) => entry.name.startsWith("provider-standby-provider-") && entry.type === "azure-native:authorization:RoleAssignment");
    expect(grants.map((entry) => inputsOf(entry.name))).toEqual([
      { scope: rgId("provider"), principalId: providerPrincipalId, principalType: "ServicePrincipal", roleDefinitionId: roleId("5d977122-f97e-4b4d-a52f-6b43003ddb4d") },
      { scope: rgId("provider"), principalId: providerPrincipalId, principalType: "ServicePrincipal", roleDefinitionId: roleId("39fcb0de-8844-4706-b050-c28ddbe3ff83") },
    ]);
    expect(inputsOf("provider-standby-provider-propagation").createDuration).toBe("2m");
    expect(dependsOn(resource(registered, "provider-standby-pool"), "provider-standby-provider-propagation")).toBe(true);
  });
});

describe("the service in standby dispatch", () => {
  it("is told the mode, region, profile and its deployed revision, the pool and its group limit, and no fixed group", async () => {
    const trigger = await deploy("told", { ...standbyArgs, location: "West Europe" });
    const env = plainEnv("told");
    expect(env).toMatchObject({
      [configNames.dispatchMode]: "standby",
      [configNames.location]: "westeurope",
      [configNames.containerGroupProfile]: `${rgId("told")}/providers/Microsoft.ContainerInstance/containerGroupProfiles/${containerGroupProfileName(seedOf("told"))}`,
      [configNames.containerGroupProfileRevision]: "1",
      [configNames.standbyPool]: await valueOf(trigger.standbyPoolId!),
      [configNames.maxActiveGroups]: "20",
    });
    expect(env).not.toHaveProperty(configNames.containerGroup);
    expect(env).not.toHaveProperty(configNames.containerGroups);
    expect(await valueOf(trigger.containerGroupNames)).toEqual([]);
    expect([...registered.keys()].filter((name) => name.startsWith("told-group"))).toEqual([]);
    // Each value is one the service's own schema takes.
    const names: ConfigName[] = [configNames.dispatchMode, configNames.location, configNames.containerGroupProfile, configNames.containerGroupProfileRevision, configNames.standbyPool, configNames.maxActiveGroups];
    expect(serviceSettingProblems(names.map((name) => [name, env[name]]))).toEqual([]);
  });

  it("shows the revision plainly although the profile's properties are secret, as the engine returns them", async () => {
    await deploy("plainrev", standbyArgs);
    const raw = resource(registered, "plainrev-service").inputs.template.containers[0].env as { name: string; value?: unknown }[];
    const revision = raw.find((e) => e.name === configNames.containerGroupProfileRevision)!;
    expect(isSecretInput(revision.value)).toBe(false);
    expect(revision.value).toBe("1");
  });

  it("claims the profile's new revision after a change of the worker, and keeps it on an unchanged deployment", async () => {
    await deploy("revised", standbyArgs);
    await deploy("revised", { ...standbyArgs, cpu: 4 });
    expect(plainEnv("revised")[configNames.containerGroupProfileRevision]).toBe("2");
    expect(inputsOf("revised-standby-pool").properties.containerGroupProperties.containerGroupProfile.revision).toBe(2);
    await deploy("revised", { ...standbyArgs, cpu: 4 });
    expect(plainEnv("revised")[configNames.containerGroupProfileRevision]).toBe("2");
  });

  it("may create and delete groups in its resource group and read the profile and the pool's runtime views, and nothing more", async () => {
    await deploy("widened", standbyArgs);
    expect(inputsOf("widened-role").permissions).toEqual([
      {
        actions: [
          "Microsoft.ContainerInstance/containerGroups/read",
          "Microsoft.ContainerInstance/containerGroups/write",
          "Microsoft.ContainerInstance/containerGroups/stop/action",
          "Microsoft.ContainerInstance/containerGroups/containers/logs/read",
          "Microsoft.ContainerInstance/containerGroups/delete",
          "Microsoft.ContainerInstance/containerGroupProfiles/read",
          "Microsoft.StandbyPool/standbyContainerGroupPools/runtimeViews/read",
        ],
        notActions: [],
      },
    ]);
    expect(inputsOf("widened-role").assignableScopes).toEqual([rgId("widened")]);
    expect(inputsOf("widened-operator")).toMatchObject({ scope: rgId("widened"), principalId: "identity-principal-id", principalType: "ServicePrincipal" });
    const wait = inputsOf("widened-grant-propagation");
    expect(Object.keys(wait.triggers).sort()).toEqual(["operator", "store-log-blobs", "store-queues", "store-tables"]);
    const app = resource(registered, "widened-service");
    for (const name of ["widened-grant-propagation", "widened-profile", "widened-standby-pool"]) expect(dependsOn(app, name)).toBe(true);
  });

  it("leaves pool dispatch as it was: fixed groups, the narrow role, no profile and no standby pool", async () => {
    await deploy("poolmode");
    expect(registered.has("poolmode-profile")).toBe(false);
    expect(registered.has("poolmode-standby-pool")).toBe(false);
    expect(inputsOf("poolmode-role").permissions[0].actions).not.toContain("Microsoft.ContainerInstance/containerGroups/delete");
    expect(plainEnv("poolmode")).not.toHaveProperty(configNames.dispatchMode);
  });
});

describe("standby dispatch's arguments", () => {
  it("are refused before any child exists when the provider's principal is missing", async () => {
    const { AciHttpTrigger } = await import("../../infra/trigger.js");
    const args = { ...readyImageArgs, dispatch: "standby" } as AciHttpTriggerArgs;
    expect(() => new AciHttpTrigger("noprovider", args)).toThrow(`Missing "standby.providerPrincipalId"`);
    expect([...registered.keys()].filter((name) => name.startsWith("noprovider-"))).toEqual([]);
  });

  it("check the group limit with the service's own schema at preview", async () => {
    const { AciHttpTrigger } = await import("../../infra/trigger.js");
    const args: AciHttpTriggerArgs = { ...standbyArgs, standby: { providerPrincipalId, maxActiveGroups: 0 } };
    expect(() => new AciHttpTrigger("nogroups", args)).toThrow(`Invalid configuration: ${configNames.maxActiveGroups} must be an integer from 1 to 10000`);
    expect([...registered.keys()].filter((name) => name.startsWith("nogroups-"))).toEqual([]);
  });

  it("never name fixed groups beside the standby pool", () => {
    const values = {
      container: "worker",
      containerImage: "registry.example/jobs/report:1.4",
      containerBase: "{}",
      armEndpoint: "https://management.azure.com",
      subscriptionId,
      resourceGroup: "rg",
      clientId: "client",
      apiKeys: "generated-key-abcdefghijklmnop",
      secrets: "{}",
      storageAccount: "acitrigger0123",
      standby: { location: "westeurope", profileId: "profile-id", profileRevision: "1", poolId: "pool-id" },
    };
    expect(() => serviceEnvironment({ ...values, containerGroups: ["trigger-1"] })).toThrow("A standby trigger has no fixed container groups.");
    expect(serviceEnvironment({ ...values, containerGroups: [] }).env.map((e) => e.name)).not.toContain(configNames.containerGroup);
  });
});
