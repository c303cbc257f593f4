import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { storageNames } from "../../service/config-names.js";
import { storageAccountName } from "../../infra/names.js";
import { readyImageArgs, useTriggerMocks } from "./deploy-trigger.js";
import { resource, subscriptionId, valueOf } from "./pulumi-mocks.js";

const { registered, deploy, inputsOf } = useTriggerMocks();

describe("the run store", () => {
  it("is a storage account that takes Entra tokens only, over HTTPS and TLS 1.2, with no public blob access", async () => {
    await deploy("store");
    expect(inputsOf("store-store")).toMatchObject({
      accountName: storageAccountName(
        { project: "aci-http-trigger", stack: "dev", name: "store" },
        { subscriptionId, resourceGroupName: "store-rg-1234" },
      ),
      kind: "StorageV2",
      allowSharedKeyAccess: false,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      enableHttpsTrafficOnly: true,
    });
  });

  it("holds the runs table and the wake queue under the names the service uses", async () => {
    const trigger = await deploy("tables");
    const account = await valueOf(trigger.storageAccountName);
    expect(inputsOf("tables-runs-table")).toEqual({ resourceGroupName: "tables-rg-1234", accountName: account, tableName: storageNames.runsTable });
    expect(inputsOf("tables-wake-queue")).toEqual({ resourceGroupName: "tables-rg-1234", accountName: account, queueName: storageNames.wakeQueue });
    expect(resource(registered, "tables-runs-table").type).toBe("azure-native:storage:Table");
    expect(resource(registered, "tables-wake-queue").type).toBe("azure-native:storage:Queue");
  });

  it("grants the identity table and queue data access on that account only, as a ServicePrincipal", async () => {
    await deploy("grants");
    const accountId = `/subscriptions/${subscriptionId}/resourceGroups/grants-rg-1234/providers/Microsoft.Storage/storageAccounts/${inputsOf("grants-store").accountName}`;
    const role = (guid: string) => `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    expect(inputsOf("grants-store-tables")).toEqual({
      scope: accountId,
      principalId: "identity-principal-id",
      principalType: "ServicePrincipal",
      roleDefinitionId: role("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"),
    });
    expect(inputsOf("grants-store-queues")).toEqual({
      scope: accountId,
      principalId: "identity-principal-id",
      principalType: "ServicePrincipal",
      roleDefinitionId: role("974c5e8b-45b9-4653-ba55-5f855dd0fb88"),
    });
    const grantsOnTheAccount = [...registered.values()].filter(
      (entry) => entry.name.startsWith("grants-") && entry.type === "azure-native:authorization:RoleAssignment" && inputsOf(entry.name).scope === accountId,
    );
    expect(grantsOnTheAccount.map((entry) => entry.name).sort()).toEqual(["grants-store-queues", "grants-store-tables"]);
  });

  it("is named for the subscription and resource group, and is no secret", async () => {
    const here = await deploy("named");
    const elsewhere = await deploy("named-elsewhere", { ...readyImageArgs, resourceGroupName: "shared-rg" });
    expect(await valueOf(here.storageAccountName)).toMatch(/^[a-z0-9]{3,24}$/);
    expect(await valueOf(here.storageAccountName)).not.toBe(await valueOf(elsewhere.storageAccountName));
    expect(await pulumi.isSecret(here.storageAccountName)).toBe(false);
  });
});
