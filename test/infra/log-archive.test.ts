import { describe, expect, it } from "vitest";
import { serviceSettingProblems } from "../../infra/service-check.js";
import { argumentEntries, argumentValues } from "../../infra/service-env.js";
import { configNames, storageNames } from "../../service/config-names.js";
import { readyImageArgs, useTriggerMocks } from "./deploy-trigger.js";
import { dependsOn, resource, subscriptionId } from "./pulumi-mocks.js";

const { registered, deploy, inputsOf, serviceEnv } = useTriggerMocks();

const blobDataContributor = `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`;

describe("the log archive's storage", () => {
  it("is a private blob container of the run store's account, under the name the service writes to", async () => {
    await deploy("archive");
    const account = inputsOf("archive-store").accountName;
    expect(resource(registered, "archive-log-container").type).toBe("azure-native:storage:BlobContainer");
    expect(inputsOf("archive-log-container")).toEqual({
      resourceGroupName: "archive-rg-1234",
      accountName: account,
      containerName: storageNames.logContainer,
      publicAccess: "None",
    });
  });

  it("grants the identity Storage Blob Data Contributor on that container alone, not on the account", async () => {
    await deploy("blobgrant");
    const accountId = `/subscriptions/${subscriptionId}/resourceGroups/blobgrant-rg-1234/providers/Microsoft.Storage/storageAccounts/${inputsOf("blobgrant-store").accountName}`;
    expect(inputsOf("blobgrant-store-log-blobs")).toEqual({
      scope: `${accountId}/blobServices/default/containers/run-logs`,
      principalId: "identity-principal-id",
      principalType: "ServicePrincipal",
      roleDefinitionId: blobDataContributor,
    });
    const blobGrants = [...registered.values()].filter(
      (entry) => entry.name.startsWith("blobgrant-") && entry.type === "azure-native:authorization:RoleAssignment" && inputsOf(entry.name).roleDefinitionId === blobDataContributor,
    );
    expect(blobGrants.map((entry) => entry.name)).toEqual(["blobgrant-store-log-blobs"]);
  });

  it("exists, and its grant has had time to take effect, before the service's first revision", async () => {
    await deploy("archiveorder");
    const wait = inputsOf("archiveorder-grant-propagation");
    expect(wait.triggers["store-log-blobs"]).toMatch(/\/containers\/run-logs\/providers\/Microsoft\.Authorization\/roleAssignments\/archiveorder-store-log-blobs$/);
    const app = resource(registered, "archiveorder-service");
    expect(dependsOn(app, "archiveorder-log-container")).toBe(true);
    expect(dependsOn(app, "archiveorder-grant-propagation")).toBe(true);
  });
});

describe("the log archive's settings", () => {
  it("reach the service under its own variable names, and stay unset (the service's defaults) when not given", async () => {
    await deploy("logargs", { ...readyImageArgs, logs: { archiveMaxBytes: 1_048_576, copyIntervalMs: 2_000, finalCopyTimeoutMs: 15_000 } });
    const env = Object.fromEntries(serviceEnv("logargs").map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      [configNames.logArchiveMaxBytes]: "1048576",
      [configNames.logCopyIntervalMs]: "2000",
      [configNames.logFinalCopyTimeoutMs]: "15000",
    });
    await deploy("logdefaults");
    const names = serviceEnv("logdefaults").map((e) => e.name);
    expect(names).not.toContain(configNames.logArchiveMaxBytes);
    expect(names).not.toContain(configNames.logCopyIntervalMs);
    expect(names).not.toContain(configNames.logFinalCopyTimeoutMs);
  });

  it("are checked at preview by the service's own schema, naming the variable", () => {
    const values = argumentValues({ ...readyImageArgs, logs: { copyIntervalMs: 5, archiveMaxBytes: 1_000 } }, "worker");
    const [problem] = serviceSettingProblems(argumentEntries(values));
    expect(problem).toContain(`${configNames.logArchiveMaxBytes} must be an integer from 65536`);
    expect(problem).toContain(`${configNames.logCopyIntervalMs} must be an integer from 100`);
  });
});
