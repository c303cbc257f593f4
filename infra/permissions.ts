import * as pulumi from "@pulumi/pulumi";

/**
 * The only ARM actions the trigger service performs on a worker group, granted on each group of
 * the pool separately.
 *
 * - read: GET the group (run status, the base of each re-create).
 * - write: PUT the group with a run's env (the re-create).
 * - stop/action: cancel a run.
 * - containers/logs/read: a run's logs.
 *
 * Nothing else is needed for the PUT of the group this component provisions: it has no managed
 * identity (so no `Microsoft.ManagedIdentity/userAssignedIdentities/assign/action`), no subnet
 * (no `Microsoft.Network/virtualNetworks/subnets/join/action`), no Azure Files volume, and its Log
 * Analytics diagnostics carry the workspace id and key by value, which ARM does not authorize
 * against the workspace (no `Microsoft.OperationalInsights/workspaces/sharedKeys/action`). Delete,
 * start and restart are deliberately absent.
 */
export const containerGroupOperatorActions: readonly string[] = [
  "Microsoft.ContainerInstance/containerGroups/read",
  "Microsoft.ContainerInstance/containerGroups/write",
  "Microsoft.ContainerInstance/containerGroups/stop/action",
  "Microsoft.ContainerInstance/containerGroups/containers/logs/read",
];

/**
 * The service's actions in standby dispatch, granted on its resource group because each run's
 * group is new and named for the run: the pool mode's actions, plus
 *
 * - delete: a run's group is deleted once its log is archived (write, already there, is the PUT of
 *   a claim or a cold create);
 * - containerGroupProfiles/read: a claim names the profile, and ARM checks the caller may read it;
 * - standbyContainerGroupPools/runtimeViews/read: how many ready groups the pool holds, so an empty
 *   pool is met with a cold create.
 *
 * Nothing of the pool itself is writable by the service, nor any other resource type.
 */
export const standbyOperatorActions: readonly string[] = [
  ...containerGroupOperatorActions,
  "Microsoft.ContainerInstance/containerGroups/delete",
  "Microsoft.ContainerInstance/containerGroupProfiles/read",
  "Microsoft.StandbyPool/standbyContainerGroupPools/runtimeViews/read",
];

/**
 * Built-in roles the "Standby Pool Resource Provider" principal needs to keep the pool filled
 * (ACI's "Configure role permissions for standby pools"): it creates and deletes the pooled
 * groups from the profile, and manages the pool resource. The page's other roles cover what this
 * profile does not use: Network Contributor (a subnet), Managed Identity Contributor and Operator
 * (an identity on the group), Storage Blob Data Contributor (Azure Storage volumes) and Container
 * Registry Repository Reader (images in ACR).
 */
export const standbyProviderRoleGuids = {
  /** Azure Container Instances Contributor Role. */
  containerInstancesContributor: "5d977122-f97e-4b4d-a52f-6b43003ddb4d",
  /** Standby Container Group Pool Contributor. */
  standbyContainerGroupPoolContributor: "39fcb0de-8844-4706-b050-c28ddbe3ff83",
} as const;

/** Azure's built-in AcrPull role (the same GUID in every tenant). */
export const acrPullRoleDefinitionGuid = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

/** Azure's built-in Storage Table Data Contributor role: read and write the run store's entities. */
export const storageTableDataContributorRoleGuid = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

/** Azure's built-in Storage Queue Data Contributor role: keep the wake queue's one message, and let the scale rule read its length. */
export const storageQueueDataContributorRoleGuid = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";

/**
 * Azure's built-in Storage Blob Data Contributor role: append to and read the run log archive's
 * blobs. Assigned on the log container alone, so the identity reaches no other blob of the account.
 */
export const storageBlobDataContributorRoleGuid = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

/** The resource id of a role definition (built-in or custom) as a role assignment names it. */
export function roleDefinitionResourceId(subscriptionId: pulumi.Input<string>, roleGuid: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}
