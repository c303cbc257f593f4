import * as azure from "@pulumi/azure-native";
import type * as pulumi from "@pulumi/pulumi";
import { aciApiVersion } from "../aci/api-version.js";
import { type NameSeed, workerGroupName } from "./names.js";
import { type WorkerDefinition, workerGroupProperties } from "./worker-definition.js";

/**
 * What Pulumi leaves to others on a worker group. The service owns each run's env and command
 * and its `trigger-*` tags, and rewrites them on every run; it also applies the stack's image,
 * base env and command on each run (ACI_CONTAINER_IMAGE, ACI_CONTAINER_BASE), because a PUT from
 * Pulumi would restart the group and end the run on it. The stack's own tags reach the group
 * through a merging tags resource instead. ARM owns the instance view and provisioning state,
 * which a refresh would otherwise copy into the generic resource's inputs. So a refresh after
 * runs plans no update, and no `pulumi up` restarts a group for a change it does not make.
 */
export const workerGroupIgnoreChanges: readonly string[] = [
  "properties.containers[*].properties.environmentVariables",
  "properties.containers[*].properties.command",
  "properties.containers[*].properties.image",
  "properties.containers[*].properties.instanceView",
  "properties.instanceView",
  "properties.provisioningState",
  "tags",
];

/**
 * Properties ACI cannot change on an existing group (`InvalidContainerGroupUpdate`): a change
 * replaces the group. Its name is fixed, so the old group must go first.
 */
export const workerGroupReplaceOnChanges: readonly string[] = [
  "location",
  "properties.osType",
  "properties.restartPolicy",
  "properties.sku",
  "properties.containers[*].properties.resources",
];

export interface WorkerPoolArgs {
  name: string;
  parent: pulumi.Resource;
  seed: NameSeed;
  poolSize: number;
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  definition: WorkerDefinition;
  /** The stack's own tags, merged into each group's tags. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  identityPrincipalId: pulumi.Input<string>;
  /** The operator role, once it can be assigned. */
  roleDefinitionId: pulumi.Input<string>;
}

/** One group of the pool and the grant that lets the service run it. */
export interface PoolMember {
  /** The container group's name, known before anything is deployed. */
  name: string;
  group: azure.resources.Resource;
  operator: azure.authorization.RoleAssignment;
}

/**
 * `poolSize` identical worker groups, each with the operator role assigned on it alone. Every
 * group's inputs depend only on the definition and its own index, so growing or shrinking the
 * pool leaves the other groups untouched.
 */
export function deployWorkerPool(args: WorkerPoolArgs): PoolMember[] {
  const properties = workerGroupProperties(args.definition);
  return Array.from({ length: args.poolSize }, (_, offset) => {
    const index = offset + 1;
    const name = workerGroupName(args.seed, index);
    const group = new azure.resources.Resource(
      `${args.name}-group-${index}`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceProviderNamespace: "Microsoft.ContainerInstance",
        parentResourcePath: "",
        resourceType: "containerGroups",
        resourceName: name,
        apiVersion: aciApiVersion,
        location: args.location,
        properties,
      },
      {
        parent: args.parent,
        ignoreChanges: [...workerGroupIgnoreChanges],
        replaceOnChanges: [...workerGroupReplaceOnChanges],
        deleteBeforeReplace: true,
      },
    );
    // Re-made with the group: a replaced group is a new resource under the same id, and Azure
    // refuses a second identical assignment, so the old one goes first.
    const dependent = () => ({ parent: args.parent, deletedWith: group, deleteBeforeReplace: true });
    const operator = new azure.authorization.RoleAssignment(
      `${args.name}-group-operator-${index}`,
      { scope: group.id, principalId: args.identityPrincipalId, principalType: "ServicePrincipal", roleDefinitionId: args.roleDefinitionId },
      dependent(),
    );
    if (args.tags !== undefined) {
      new azure.resources.TagAtScope(`${args.name}-group-tags-${index}`, { scope: group.id, properties: { tags: args.tags } }, dependent());
    }
    return { name, group, operator };
  });
}
