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
