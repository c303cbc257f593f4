import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { type NameSeed, containerGroupProfileName, standbyPoolName } from "./names.js";
import { roleDefinitionResourceId, standbyProviderRoleGuids } from "./permissions.js";
import { grantSettle, propagationWait } from "./propagation.js";
import { type WorkerDefinition, workerGroupProperties } from "./worker-definition.js";

/** ACI's first stable api-version with container group profiles and standby claims. */
export const profileApiVersion = "2025-09-01";

/** The StandbyPool provider's api-version; container pools are refused at older ones. */
export const standbyPoolApiVersion = "2025-03-01";

/** Ready groups the standby pool keeps when the stack does not say. */
export const defaultMaxReadyCapacity = 3;

/**
 * Where a job image carries the launcher this repository ships as `launcher/launch` (an image
 * with a POSIX shell needs nothing else; one without copies the file there).
 */
export const launcherPath = "/aci-trigger/launch";

/**
 * The profile's command: a pooled container starts before any run claims it, so the launcher
 * waits for the run's config map, exports its env and TRIGGER_RUN_ID, then execs the job's own
 * command.
 */
export function launchedCommand(command: pulumi.Input<pulumi.Input<string>[]>): pulumi.Output<string[]> {
  return pulumi.output(command).apply((parts) => ["/bin/sh", launcherPath, ...parts]);
}

export interface StandbyArgs {
  name: string;
  parent: pulumi.Resource;
  seed: NameSeed;
  resourceGroupName: pulumi.Input<string>;
  /** The resource group's id: the scope of the provider's grants. */
  resourceGroupId: pulumi.Input<string>;
  location: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  /** The same definition the pool mode's groups run; its command is wrapped by the launcher. */
  definition: WorkerDefinition & { command: pulumi.Input<pulumi.Input<string>[]> };
  maxReadyCapacity: number;
  /** Object id of the tenant's "Standby Pool Resource Provider" service principal. */
  providerPrincipalId: pulumi.Input<string>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface Standby {
  profile: azure.resources.Resource;
  /** The profile revision the pool and the service use: the one this deployment made. */
  revision: pulumi.Output<number>;
  pool: azure.resources.Resource;
  providerGrants: azure.authorization.RoleAssignment[];
}

/**
 * The container group profile of the worker and the standby pool that keeps `maxReadyCapacity`
 * groups of it running, with the grants the StandbyPool provider needs to fill it. Both are
 * generic resources pinned to the api-versions that know them, as the worker groups are.
 */
export function deployStandby(args: StandbyArgs): Standby {
  const { parent } = args;
  const inGroup = { resourceGroupName: args.resourceGroupName, parentResourcePath: "", location: args.location, tags: args.tags };
  const profile = new azure.resources.Resource(
    `${args.name}-profile`,
    {
      ...inGroup,
      resourceProviderNamespace: "Microsoft.ContainerInstance",
      resourceType: "containerGroupProfiles",
      resourceName: containerGroupProfileName(args.seed),
      apiVersion: profileApiVersion,
      properties: workerGroupProperties({ ...args.definition, command: launchedCommand(args.definition.command) }),
    },
    // ARM's read-only view of the revisions, which a refresh would copy into the inputs.
    { parent, ignoreChanges: ["properties.revision", "properties.registeredRevisions"] },
  );
  // The properties hold the workspace key and secure env, so the engine returns them secret; the
  // revision number is no secret, and the app's env and the pool must show it.
  const revision = pulumi.unsecret(profile.properties.apply((properties: { revision?: unknown }) => revisionOf(properties.revision)));

  const providerGrants = Object.entries(standbyProviderRoleGuids).map(
    ([role, guid]) =>
      new azure.authorization.RoleAssignment(
        `${args.name}-standby-provider-${role}`,
        {
          scope: args.resourceGroupId,
          principalId: args.providerPrincipalId,
          principalType: "ServicePrincipal",
          roleDefinitionId: roleDefinitionResourceId(args.subscriptionId, guid),
        },
        { parent },
      ),
  );
  // A pool the provider may not yet fill churns and turns degraded; give the grants time first.
  const grantsInForce = propagationWait(
    `${args.name}-standby-provider-propagation`,
    grantSettle,
    Object.fromEntries(providerGrants.map((grant, index) => [`provider-${index + 1}`, grant.id])),
    parent,
  );

  const pool = new azure.resources.Resource(
    `${args.name}-standby-pool`,
    {
      ...inGroup,
      resourceProviderNamespace: "Microsoft.StandbyPool",
      resourceType: "standbyContainerGroupPools",
      resourceName: standbyPoolName(args.seed),
      apiVersion: standbyPoolApiVersion,
      properties: {
        elasticityProfile: { maxReadyCapacity: args.maxReadyCapacity, refillPolicy: "always" },
        containerGroupProperties: { containerGroupProfile: { id: profile.id, revision } },
      },
    },
    { parent, dependsOn: [grantsInForce], ignoreChanges: ["properties.provisioningState"] },
  );
  return { profile, revision, pool, providerGrants };
}

function revisionOf(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new Error("The container group profile came back without a revision.");
  return value;
}
