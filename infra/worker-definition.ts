import type * as pulumi from "@pulumi/pulumi";

/** One env var of the worker as ARM's wire format spells it. */
export interface WireEnvironmentVariable {
  name: string;
  value?: string;
  secureValue?: string;
}

/**
 * What every worker runs, whichever way a run gets its group: the pool's identical groups (so a
 * run may go to any of them) and the standby pool's container group profile are built from this
 * one definition, so switching the dispatch mode never changes the job.
 */
export interface WorkerDefinition {
  containerName: string;
  image: pulumi.Input<string>;
  command?: pulumi.Input<pulumi.Input<string>[]>;
  cpu: pulumi.Input<number>;
  memoryInGB: pulumi.Input<number>;
  /** The base env each run starts from (plain and secure). */
  environmentVariables: pulumi.Input<WireEnvironmentVariable[]>;
  workspaceId: pulumi.Input<string>;
  /** Secret. */
  workspaceKey: pulumi.Input<string>;
}

/**
 * The group's `properties` exactly as ARM takes them at the service's api-version: the group is
 * deployed as a generic resource pinned to `aciApiVersion`, so Pulumi and the service read and
 * write the same version and neither drops a property the other set. A container group profile
 * takes the same properties.
 */
export function workerGroupProperties(definition: WorkerDefinition): Record<string, unknown> {
  return {
    osType: "Linux",
    restartPolicy: "Never",
    sku: "Standard",
    containers: [
      {
        name: definition.containerName,
        properties: {
          image: definition.image,
          ...(definition.command === undefined ? {} : { command: definition.command }),
          resources: { requests: { cpu: definition.cpu, memoryInGB: definition.memoryInGB } },
          environmentVariables: definition.environmentVariables,
        },
      },
    ],
    diagnostics: { logAnalytics: { workspaceId: definition.workspaceId, workspaceKey: definition.workspaceKey } },
  };
}
