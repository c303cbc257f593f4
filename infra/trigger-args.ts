import type * as pulumi from "@pulumi/pulumi";
import type { DispatchMode } from "../service/config-variables.js";
import type { ServiceBuild } from "./service-image.js";
import type { TunableServiceSetting } from "./validate.js";
import type { WebhookArgs } from "./webhook-settings.js";

/*
 * The component's arguments, apart from the component so that the modules which derive the
 * service's settings from them do not import the component that uses those modules.
 */

/** Entra ID callers of the trigger (see `AciHttpTriggerArgs.entra`). */
export interface EntraCallers {
  readonly audience: pulumi.Input<string>;
  readonly requiredRole?: pulumi.Input<string>;
  readonly allowedClients?: pulumi.Input<string>[];
}

/** The run log archive (see `AciHttpTriggerArgs.logs`); unset fields keep the service's defaults. */
export interface LogArchiveArgs {
  /** Most bytes one run's archive keeps; past it the head and the tail stay and the gap is marked. */
  readonly archiveMaxBytes?: number;
  /** How often an active run's new output is copied into its archive, in milliseconds. */
  readonly copyIntervalMs?: number;
  /** How long the last copy of an ended run may hold its group before dispatch moves on, in milliseconds. */
  readonly finalCopyTimeoutMs?: number;
}

/** Standby dispatch (see `AciHttpTriggerArgs.dispatch`). */
export interface StandbyDispatchArgs {
  /**
   * Object id of the "Standby Pool Resource Provider" service principal in your tenant (per
   * tenant, so the stack cannot know it): `az ad sp list --display-name "Standby Pool Resource
   * Provider" --query "[0].id" -o tsv`. It is granted what it needs to keep the pool filled.
   */
  readonly providerPrincipalId: pulumi.Input<string>;
  /** Ready groups the pool keeps running; 3 by default (0 to 2000). Each costs as a running group. */
  readonly maxReadyCapacity?: number;
  /** Most groups the service holds at once, claimed or cold-created; beyond it runs queue. The service's default 100. */
  readonly maxActiveGroups?: number;
}

export interface AciHttpTriggerArgs {
  /** An existing resource group to deploy into; when absent, the component creates one. */
  readonly resourceGroupName?: pulumi.Input<string>;
  /** Azure region; defaults to the resource group's. */
  readonly location?: pulumi.Input<string>;
  /**
   * The worker's container image (the job each run starts). A new image reaches each group with
   * its next run, through the service; `pulumi up` never re-deploys a group for it.
   */
  readonly image: pulumi.Input<string>;
  /** The worker's base command; the image's entrypoint when absent. */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /** CPU cores of each worker group; 1 by default. A change replaces the groups. */
  readonly cpu?: pulumi.Input<number>;
  /** Memory of each worker group in GB; 1.5 by default. A change replaces the groups. */
  readonly memoryInGB?: pulumi.Input<number>;
  /** The worker container's name, the container each run targets; `worker` by default. */
  readonly containerName?: string;
  /** Plain base env of the worker; each run's env is added on top. */
  readonly environment?: Record<string, pulumi.Input<string>>;
  /** Secure env (ACI `secureValue`) the worker always carries; the service restores it on every run. */
  readonly secureEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** How many identical worker groups run jobs side by side; 1 by default (pool dispatch only). */
  readonly poolSize?: number;
  /**
   * How a run gets its container group: `pool` (the default) re-creates one of `poolSize` fixed
   * groups; `standby` claims a new group per run from an ACI standby pool of the same worker
   * (a container group profile kept warm), starting in seconds, and deletes it once its log is
   * archived. Standby needs `command` (the launcher wraps it) and `standby.providerPrincipalId`.
   */
  readonly dispatch?: DispatchMode;
  /** Standby dispatch's settings; only with `dispatch: "standby"`. */
  readonly standby?: StandbyDispatchArgs;
  /** A ready image of the trigger service; when given, nothing is built and no registry is made. */
  readonly serviceImage?: pulumi.Input<string>;
  /** Build the trigger service from source instead (needs Docker where `pulumi up` runs). */
  readonly serviceBuild?: ServiceBuild;
  /** Comma-separated bearer keys for callers; one is generated when absent. */
  readonly apiKeys?: pulumi.Input<string>;
  /** ARM's base URL as the service sees it; https://management.azure.com by default. */
  readonly armEndpoint?: pulumi.Input<string>;
  /** Optional service limits and log level, passed to the service verbatim. */
  readonly serviceSettings?: Partial<Record<TunableServiceSetting, pulumi.Input<string>>>;
  /**
   * Lets callers sign in with Microsoft Entra ID access tokens of the deploying tenant, beside the
   * keys: `audience` is the API app's application ID URI or client id; a token must hold
   * `requiredRole` in its `roles` and come from one of `allowedClients` when they are given.
   */
  readonly entra?: EntraCallers;
  /**
   * Signed completion webhooks (Standard Webhooks): run events go to `url` and to per-run URLs of
   * `allowedOrigins`, signed with `secret` (`whsec_` and the base64 of at least 24 bytes), which
   * the stack keeps as a Pulumi secret and passes as a Container App secret.
   */
  readonly webhook?: WebhookArgs;
  /**
   * The run log archive: each run's output is copied into an append blob of the stack's
   * `run-logs` container, so its log outlives the group. Tunes its limits and pace.
   */
  readonly logs?: LogArchiveArgs;
  /** Days the Log Analytics workspace keeps the worker's and the service's logs; 30 by default. */
  readonly logRetentionInDays?: number;
  /** The stack's own tags, put on every resource it creates. */
  readonly tags?: Record<string, pulumi.Input<string>>;
}
