import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { aciSecretsDocument } from "./aci-secrets.js";
import { roleDefinitionGuid, roleName, type NameSeed } from "./names.js";
import { containerGroupOperatorActions } from "./permissions.js";
import { buildServiceImage, type ServiceBuild } from "./service-image.js";
import { servicePort, serviceEnvironment } from "./service-env.js";
import { argumentProblems, environmentNameProblems, type TunableServiceSetting } from "./validate.js";

/**
 * Properties of the worker group that the trigger service rewrites on every run (each run's env,
 * and its run tags). Pulumi keeps the values it deployed for them, so `pulumi up --refresh` after
 * a run neither reverts nor restarts that run, while a real change (image, CPU) still deploys.
 */
export const workerIgnoreChanges: readonly string[] = ["containers[*].environmentVariables", "tags"];

export interface AciHttpTriggerArgs {
  /** An existing resource group to deploy into; when absent, the component creates one. */
  readonly resourceGroupName?: pulumi.Input<string>;
  /** Azure region; defaults to the resource group's. */
  readonly location?: pulumi.Input<string>;
  /** The worker's container image (the job each run starts). */
  readonly image: pulumi.Input<string>;
  /** The worker's command; the image's entrypoint when absent. */
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  /** CPU cores of the worker; 1 by default. ACI cannot change it in place, so a change re-creates the group. */
  readonly cpu?: pulumi.Input<number>;
  /** Memory of the worker in GB; 1.5 by default. */
  readonly memoryInGB?: pulumi.Input<number>;
  /** The worker container's name, the container each run targets; `worker` by default. */
  readonly containerName?: string;
  /** Plain env the worker starts with; each run's env replaces it. */
  readonly environment?: Record<string, pulumi.Input<string>>;
  /** Secure env (ACI `secureValue`) the worker always carries; the service restores it on every run. */
  readonly secureEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
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
  /** Days the Log Analytics workspace keeps the worker's and the service's logs; 30 by default. */
  readonly logRetentionInDays?: number;
}

/**
 * One ACI container group turned into an HTTP job endpoint: the group, a Container App running
 * the trigger service under a user-assigned identity, and a custom role that lets that identity
 * read, re-create, stop and read logs of that one group and nothing else.
 */
export class AciHttpTrigger extends pulumi.ComponentResource {
  public readonly resourceGroupName: pulumi.Output<string>;
  public readonly containerGroupName: pulumi.Output<string>;
  public readonly containerGroupId: pulumi.Output<string>;
  public readonly identityClientId: pulumi.Output<string>;
  public readonly roleDefinitionId: pulumi.Output<string>;
  /** The service's https base URL. */
  public readonly url: pulumi.Output<string>;
  public readonly runsUrl: pulumi.Output<string>;
  /** The first bearer key (secret). */
  public readonly apiKey: pulumi.Output<string>;
  /** Where the service image was pushed; undefined when a ready image was given. */
  public readonly registryLoginServer: pulumi.Output<string> | undefined;

  constructor(name: string, args: AciHttpTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aci-http-trigger:index:AciHttpTrigger", name, {}, opts);

    const problems = argumentProblems(args);
    if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));

    const parent = this;
    const seed: NameSeed = { project: pulumi.getProject(), stack: pulumi.getStack(), name };
    const containerName = args.containerName ?? "worker";
    const clientConfig = azure.authorization.getClientConfigOutput({ parent });

    const group = args.resourceGroupName
      ? azure.resources.getResourceGroupOutput({ resourceGroupName: args.resourceGroupName }, { parent })
      : new azure.resources.ResourceGroup(`${name}-rg`, { location: args.location }, { parent });
    const resourceGroupName = group.name;
    const location = args.location ?? group.location;

    const workspace = new azure.operationalinsights.Workspace(
      `${name}-logs`,
      { resourceGroupName, location, sku: { name: "PerGB2018" }, retentionInDays: args.logRetentionInDays ?? 30 },
      { parent },
    );
    const workspaceKey = pulumi.secret(
      azure.operationalinsights
        .getSharedKeysOutput({ resourceGroupName, workspaceName: workspace.name }, { parent })
        .apply((keys) => keys.primarySharedKey ?? ""),
    );

    const secureEnvironment = pulumi.output(args.secureEnvironment ?? {}).apply((secure) => {
      const badNames = environmentNameProblems("secureEnvironment", Object.keys(secure));
      if (badNames.length > 0) throw new pulumi.RunError(badNames.join("\n"));
      return secure;
    });
    const environmentVariables = pulumi.all([args.environment ?? {}, secureEnvironment]).apply(([plain, secure]) => [
      ...Object.entries(plain).map(([envName, value]) => ({ name: envName, value })),
      ...Object.entries(secure).map(([envName, secureValue]) => ({ name: envName, secureValue })),
    ]);

    const worker = new azure.containerinstance.ContainerGroup(
      `${name}-group`,
      {
        resourceGroupName,
        location,
        osType: "Linux",
        restartPolicy: "Never",
        sku: "Standard",
        containers: [
          {
            name: containerName,
            image: args.image,
            command: args.command,
            resources: { requests: { cpu: args.cpu ?? 1, memoryInGB: args.memoryInGB ?? 1.5 } },
            environmentVariables,
          },
        ],
        diagnostics: { logAnalytics: { workspaceId: workspace.customerId, workspaceKey } },
      },
      { parent, ignoreChanges: [...workerIgnoreChanges] },
    );

    const identity = new azure.managedidentity.UserAssignedIdentity(`${name}-identity`, { resourceGroupName, location }, { parent });

    const role = new azure.authorization.RoleDefinition(
      `${name}-role`,
      {
        roleDefinitionId: roleDefinitionGuid(seed),
        roleName: roleName(seed),
        description: "Read, re-create, stop and read the logs of one ACI container group (aci-http-trigger).",
        roleType: "CustomRole",
        scope: group.id,
        assignableScopes: [group.id],
        permissions: [{ actions: [...containerGroupOperatorActions], notActions: [] }],
      },
      { parent },
    );
    const roleDefinitionId = pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.name}`;
    const groupOperator = new azure.authorization.RoleAssignment(
      `${name}-group-operator`,
      { scope: worker.id, principalId: identity.principalId, principalType: "ServicePrincipal", roleDefinitionId },
      { parent },
    );

    const built = args.serviceBuild
      ? buildServiceImage(args.serviceBuild, {
          name,
          parent,
          seed,
          resourceGroupName,
          location,
          identityPrincipalId: identity.principalId,
          clientConfig,
        })
      : undefined;
    const serviceImage = built ? built.ref : pulumi.output(args.serviceImage as pulumi.Input<string>);

    const apiKeys = args.apiKeys ?? new random.RandomPassword(`${name}-api-key`, { length: 48, special: false }, { parent }).result;
    const aciSecrets = pulumi.secret(
      pulumi.all([secureEnvironment, workspaceKey]).apply(([secure, key]) =>
        aciSecretsDocument({ containerName, secureEnvironment: secure as Record<string, string>, logAnalyticsWorkspaceKey: key }),
      ),
    );
    const service = serviceEnvironment({
      subscriptionId: clientConfig.subscriptionId,
      resourceGroup: resourceGroupName,
      containerGroup: worker.name,
      container: containerName,
      clientId: identity.clientId,
      armEndpoint: args.armEndpoint ?? "https://management.azure.com",
      apiKeys: pulumi.secret(apiKeys),
      secrets: aciSecrets,
      settings: args.serviceSettings,
    });

    const environment = new azure.app.ManagedEnvironment(
      `${name}-env`,
      {
        resourceGroupName,
        location,
        appLogsConfiguration: {
          destination: "log-analytics",
          logAnalyticsConfiguration: { customerId: workspace.customerId, sharedKey: workspaceKey },
        },
      },
      { parent },
    );

    const httpProbe = (type: "Liveness" | "Readiness", path: string) => ({
      type,
      httpGet: { path, port: servicePort, scheme: "HTTP" },
      periodSeconds: 10,
      failureThreshold: 3,
    });
    const serviceApp = new azure.app.ContainerApp(
      `${name}-service`,
      {
        resourceGroupName,
        location,
        managedEnvironmentId: environment.id,
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        configuration: {
          activeRevisionsMode: "Single",
          ingress: { external: true, allowInsecure: false, targetPort: servicePort, transport: "auto" },
          secrets: service.secrets,
          registries: built ? [{ server: built.registry.loginServer, identity: identity.id }] : undefined,
        },
        template: {
          containers: [
            {
              name: "trigger",
              image: serviceImage,
              env: service.env,
              resources: { cpu: 0.25, memory: "0.5Gi" },
              probes: [httpProbe("Liveness", "/healthz"), httpProbe("Readiness", "/readyz")],
            },
          ],
          // One replica at most: the service serializes runs of the group with an in-process lock,
          // which a second replica would not see.
          scale: { minReplicas: 0, maxReplicas: 1 },
        },
      },
      // The readiness probe reads the group with the identity, and the image pull needs AcrPull:
      // both grants must exist before the first revision starts.
      { parent, dependsOn: built ? [groupOperator, built.acrPull] : [groupOperator] },
    );

    this.resourceGroupName = resourceGroupName;
    this.containerGroupName = worker.name;
    this.containerGroupId = worker.id;
    this.identityClientId = identity.clientId;
    this.roleDefinitionId = roleDefinitionId;
    this.url = pulumi.interpolate`https://${serviceApp.configuration.apply((configuration) => configuration?.ingress?.fqdn ?? "")}`;
    this.runsUrl = pulumi.interpolate`${this.url}/runs`;
    this.apiKey = pulumi.secret(pulumi.output(apiKeys).apply((keys) => keys.split(",")[0] ?? ""));
    this.registryLoginServer = built?.registry.loginServer;

    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      containerGroupName: this.containerGroupName,
      containerGroupId: this.containerGroupId,
      identityClientId: this.identityClientId,
      roleDefinitionId: this.roleDefinitionId,
      url: this.url,
      runsUrl: this.runsUrl,
      apiKey: this.apiKey,
      registryLoginServer: this.registryLoginServer,
    });
  }
}
