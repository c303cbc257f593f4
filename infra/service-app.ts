import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { storageNames } from "../service/config-names.js";
import { type ContainerAppEnvVar, type ContainerAppSecret, servicePort } from "./service-env.js";

const httpGet = (path: string) => ({ path, port: servicePort, scheme: "HTTP" });

/**
 * Liveness asks only whether the process answers (`/healthz`), so a slow store or ARM never
 * restarts a healthy replica. Readiness (`/readyz`) answers from the config and the run store,
 * not ARM, so ARM trouble shows per request while status and history stay reachable; its
 * timeout leaves room for one store round trip under load, where the 1 s default would flap.
 * The startup probe gives a cold start 30 s before liveness counts.
 */
export const serviceProbes = [
  { type: "Startup", httpGet: httpGet("/healthz"), periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 15 },
  { type: "Liveness", httpGet: httpGet("/healthz"), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  { type: "Readiness", httpGet: httpGet("/readyz"), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
] as const;

/**
 * Most replicas of the service. Every change of the run store is a compare-and-set, so replicas
 * agree without talking; what grows with them is ARM reads, since each replica's reconcile loop
 * polls the groups that hold active runs. Five replicas polling a pool of ten every few seconds
 * stay well inside ARM's per-identity read budget, while HTTP bursts still spread over five.
 */
export const maxServiceReplicas = 5;

/** Concurrent requests one replica takes before the HTTP rule adds another. */
export const concurrentRequestsPerReplica = 10;

/**
 * Zero replicas when idle. The service keeps one message on the wake queue while any run is
 * queued or active, and the `azure-queue` rule (queue length 1, authenticated with the app's own
 * identity, so no storage key exists) then holds one replica up to dispatch and watch runs; the
 * HTTP rule wakes the app for a request and adds replicas for load.
 */
export function serviceScale(storageAccountName: pulumi.Input<string>, identityId: pulumi.Input<string>) {
  return {
    minReplicas: 0,
    maxReplicas: maxServiceReplicas,
    rules: [
      {
        name: "work-exists",
        azureQueue: { accountName: storageAccountName, queueName: storageNames.wakeQueue, queueLength: 1, identity: identityId },
      },
      { name: "http-requests", http: { metadata: { concurrentRequests: String(concurrentRequestsPerReplica) } } },
    ],
  };
}

export interface ServiceAppArgs {
  name: string;
  parent: pulumi.Resource;
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  workspaceCustomerId: pulumi.Input<string>;
  /** Secret. */
  workspaceKey: pulumi.Input<string>;
  identityId: pulumi.Input<string>;
  image: pulumi.Input<string>;
  env: ContainerAppEnvVar[];
  secrets: ContainerAppSecret[];
  /** Where the image is pulled from with the identity; absent for a public ready image. */
  registryServer?: pulumi.Input<string>;
  storageAccountName: pulumi.Input<string>;
  /** What must exist, and be in force, before the first revision starts. */
  dependsOn: pulumi.Resource[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface ServiceApp {
  app: azure.app.ContainerApp;
  /** The service's https base URL. */
  url: pulumi.Output<string>;
}

/** The Container Apps environment and the trigger service's app, on external HTTPS ingress. */
export function deployServiceApp(args: ServiceAppArgs): ServiceApp {
  const { parent } = args;
  const environment = new azure.app.ManagedEnvironment(
    `${args.name}-env`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      appLogsConfiguration: {
        destination: "log-analytics",
        logAnalyticsConfiguration: { customerId: args.workspaceCustomerId, sharedKey: args.workspaceKey },
      },
      tags: args.tags,
    },
    { parent },
  );
  const app = new azure.app.ContainerApp(
    `${args.name}-service`,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      managedEnvironmentId: environment.id,
      identity: { type: "UserAssigned", userAssignedIdentities: [args.identityId] },
      configuration: {
        activeRevisionsMode: "Single",
        ingress: { external: true, allowInsecure: false, targetPort: servicePort, transport: "auto" },
        secrets: args.secrets,
        registries: args.registryServer === undefined ? undefined : [{ server: args.registryServer, identity: args.identityId }],
      },
      template: {
        containers: [
          {
            name: "trigger",
            image: args.image,
            env: args.env,
            resources: { cpu: 0.25, memory: "0.5Gi" },
            probes: serviceProbes.map((probe) => ({ ...probe })),
          },
        ],
        scale: serviceScale(args.storageAccountName, args.identityId),
      },
      tags: args.tags,
    },
    { parent, dependsOn: args.dependsOn },
  );
  // Built from outputs that never held a secret: the engine marks an output secret when the
  // same-named input held one, and `configuration` carries the app's secrets.
  const url = pulumi.interpolate`https://${app.name}.${environment.defaultDomain}`;
  return { app, url };
}
