import * as azure from "@pulumi/azure-native";
import type * as pulumi from "@pulumi/pulumi";
import { storageNames } from "../service/config-names.js";
import {
  roleDefinitionResourceId,
  storageBlobDataContributorRoleGuid,
  storageQueueDataContributorRoleGuid,
  storageTableDataContributorRoleGuid,
} from "./permissions.js";

export interface RunStoreArgs {
  name: string;
  parent: pulumi.Resource;
  /** Globally unique, 3–24 lowercase letters and digits. */
  accountName: pulumi.Input<string>;
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  identityPrincipalId: pulumi.Input<string>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface RunStore {
  account: azure.storage.StorageAccount;
  table: azure.storage.Table;
  queue: azure.storage.Queue;
  /** The blob container of the log archive: one append blob per run. */
  logContainer: azure.storage.BlobContainer;
  /** The identity's data-plane grants: the service needs all three to be ready. */
  grants: {
    tables: azure.authorization.RoleAssignment;
    queues: azure.authorization.RoleAssignment;
    logBlobs: azure.authorization.RoleAssignment;
  };
}

/**
 * The storage account the service keeps its state in: the runs table, the wake queue the scale
 * rule watches and the log archive's blob container. The account takes Entra tokens only (no
 * shared key, so no key exists to leak), TLS 1.2 and HTTPS, no public blob access; the identity
 * may use its tables and queues, the blobs of the log container alone, and nothing else of the
 * subscription.
 */
export function deployRunStore(args: RunStoreArgs): RunStore {
  const { parent } = args;
  const account = new azure.storage.StorageAccount(
    `${args.name}-store`,
    {
      accountName: args.accountName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      enableHttpsTrafficOnly: true,
      tags: args.tags,
    },
    { parent },
  );
  const inAccount = { resourceGroupName: args.resourceGroupName, accountName: account.name };
  const table = new azure.storage.Table(`${args.name}-runs-table`, { ...inAccount, tableName: storageNames.runsTable }, { parent });
  const queue = new azure.storage.Queue(`${args.name}-wake-queue`, { ...inAccount, queueName: storageNames.wakeQueue }, { parent });

  const logContainer = new azure.storage.BlobContainer(
    `${args.name}-log-container`,
    { ...inAccount, containerName: storageNames.logContainer, publicAccess: "None" },
    { parent },
  );

  const grant = (suffix: string, roleGuid: string, scope: pulumi.Input<string>) =>
    new azure.authorization.RoleAssignment(
      `${args.name}-${suffix}`,
      {
        scope,
        principalId: args.identityPrincipalId,
        principalType: "ServicePrincipal",
        roleDefinitionId: roleDefinitionResourceId(args.subscriptionId, roleGuid),
      },
      { parent },
    );
  return {
    account,
    table,
    queue,
    logContainer,
    grants: {
      tables: grant("store-tables", storageTableDataContributorRoleGuid, account.id),
      queues: grant("store-queues", storageQueueDataContributorRoleGuid, account.id),
      // The container's own resource id, not the account's: its blobs only.
      logBlobs: grant("store-log-blobs", storageBlobDataContributorRoleGuid, logContainer.id),
    },
  };
}
