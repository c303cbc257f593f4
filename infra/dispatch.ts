import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { containerGroupOperatorActions, standbyOperatorActions } from "./permissions.js";
import type { StandbyServiceValues } from "./service-env.js";
import { type Standby, defaultMaxReadyCapacity, deployStandby } from "./standby.js";
import type { AciHttpTriggerArgs } from "./trigger-args.js";
import { type PoolMember, type WorkerPoolArgs, deployWorkerPool } from "./worker-pool.js";

/** What the service's custom role allows in each dispatch mode. */
export function operatorRole(args: AciHttpTriggerArgs): { actions: readonly string[]; description: string } {
  return args.dispatch === "standby"
    ? {
        actions: standbyOperatorActions,
        description:
          "Create, read, stop, delete and read the logs of the ACI container groups of one aci-http-trigger in its resource group, read its container group profile and its standby pool's runtime views.",
      }
    : { actions: containerGroupOperatorActions, description: "Read, re-create, stop and read the logs of the ACI container groups of one aci-http-trigger." };
}

/** The pool's arguments but its size, which the stack's arguments decide, and what standby adds. */
export interface DispatchArgs extends Omit<WorkerPoolArgs, "poolSize"> {
  args: AciHttpTriggerArgs;
  resourceGroupId: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
}

/** Where runs get their groups, whichever the mode, as the rest of the component needs it. */
export interface Dispatch {
  /** The fixed groups of pool mode; none in standby mode. */
  pool: PoolMember[];
  standby?: Standby & { values: StandbyServiceValues };
  /** The identity's grants for running groups, by a key of the propagation wait. */
  grantIds: Record<string, pulumi.Output<string>>;
  /** What must exist before the service's first revision. */
  resources: pulumi.Resource[];
}

/** ARM's spelling of a region (`westeurope`), which the service's ACI_LOCATION takes. */
function armRegion(location: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(location).apply((region) => region.toLowerCase().replaceAll(/\s+/g, ""));
}

/**
 * Pool mode: `poolSize` fixed groups, the operator role on each. Standby mode: the profile and
 * pool, the operator role on the resource group, because each run's group is new and named for
 * the run.
 */
export function deployDispatch(d: DispatchArgs): Dispatch {
  const { args, parent } = d;
  if (args.dispatch !== "standby") {
    const pool = deployWorkerPool({ ...d, poolSize: args.poolSize ?? 1 });
    return {
      pool,
      grantIds: Object.fromEntries(pool.map((member, offset) => [`group-operator-${offset + 1}`, member.operator.id])),
      resources: pool.map((member) => member.group),
    };
  }
  const settings = args.standby!;
  const standby = deployStandby({
    ...d,
    definition: { ...d.definition, command: args.command! },
    maxReadyCapacity: settings.maxReadyCapacity ?? defaultMaxReadyCapacity,
    providerPrincipalId: settings.providerPrincipalId,
  });
  const operator = new azure.authorization.RoleAssignment(
    `${d.name}-operator`,
    { scope: d.resourceGroupId, principalId: d.identityPrincipalId, principalType: "ServicePrincipal", roleDefinitionId: d.roleDefinitionId },
    { parent },
  );
  return {
    pool: [],
    standby: {
      ...standby,
      values: {
        location: armRegion(d.location),
        profileId: standby.profile.id,
        profileRevision: standby.revision.apply(String),
        poolId: standby.pool.id,
      },
    },
    grantIds: { operator: operator.id },
    resources: [standby.profile, standby.pool],
  };
}
