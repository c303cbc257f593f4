/**
 * The only ARM actions the trigger service performs, granted on its one container group.
 *
 * - read: GET the group (run status, the base of each re-create, the readiness probe).
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
