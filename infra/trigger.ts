import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { configNames } from "../service/config-names.js";
import { aciSecretsDocument } from "./aci-secrets.js";
import { type DeploymentScope, type NameSeed, roleDefinitionGuid, roleName, storageAccountName } from "./names.js";
import { deployDispatch, operatorRole } from "./dispatch.js";
import { roleDefinitionResourceId } from "./permissions.js";
import { grantSettle, propagationWait, roleDefinitionSettle, settled } from "./propagation.js";
import { deployRunStore } from "./run-store.js";
import { deployServiceApp } from "./service-app.js";
import { buildServiceImage } from "./service-image.js";
import { refuse, serviceSettingProblems } from "./service-check.js";
import { argumentEntries, argumentValues, serviceEnvironment } from "./service-env.js";
import { splitApiKeyEntry } from "../service/core/limits.js";
import { apiKeyProblems, argumentProblems, environmentProblems } from "./validate.js";
import type { AciHttpTriggerArgs } from "./trigger-args.js";
import type { WireEnvironmentVariable } from "./worker-definition.js";

export type { AciHttpTriggerArgs, EntraCallers } from "./trigger-args.js";

/**
 * ACI container groups turned into an HTTP job endpoint: a pool of identical worker groups (or,
 * in standby dispatch, a container group profile of the same worker kept warm by a standby
 * pool), a storage account holding the run store, and a Container App running the trigger
 * service under a user-assigned identity that may run those groups and use that store, and
 * nothing else.
 */
export class AciHttpTrigger extends pulumi.ComponentResource {
  public readonly resourceGroupName: pulumi.Output<string>;
  /** The worker groups' names, in pool order; none in standby dispatch. */
  public readonly containerGroupNames: pulumi.Output<string[]>;
  public readonly containerGroupIds: pulumi.Output<string[]>;
  /** The worker's container group profile in standby dispatch; undefined in pool dispatch. */
  public readonly containerGroupProfileId: pulumi.Output<string> | undefined;
  /** The standby container group pool in standby dispatch; undefined in pool dispatch. */
  public readonly standbyPoolId: pulumi.Output<string> | undefined;
  public readonly storageAccountName: pulumi.Output<string>;
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
    refuse(argumentProblems(args));
    const containerName = args.containerName ?? "worker";
    const fromArgs = argumentValues(args, containerName);
    refuse(serviceSettingProblems(argumentEntries(fromArgs)));

    const parent = this;
    const seed: NameSeed = { project: pulumi.getProject(), stack: pulumi.getStack(), name };
    const tags = args.tags;
    const clientConfig = azure.authorization.getClientConfigOutput({ parent });

    const group = args.resourceGroupName
      ? azure.resources.getResourceGroupOutput({ resourceGroupName: args.resourceGroupName }, { parent })
      : new azure.resources.ResourceGroup(`${name}-rg`, { location: args.location, tags }, { parent });
    const resourceGroupName = group.name;
    const location = args.location ?? group.location;
    const scope: pulumi.Output<DeploymentScope> = pulumi
      .all([clientConfig.subscriptionId, resourceGroupName])
      .apply(([subscriptionId, groupName]) => ({ subscriptionId, resourceGroupName: groupName }));

    const workspace = new azure.operationalinsights.Workspace(
      `${name}-logs`,
      { resourceGroupName, location, sku: { name: "PerGB2018" }, retentionInDays: args.logRetentionInDays ?? 30, tags },
      { parent },
    );
    const workspaceKey = pulumi.secret(
      azure.operationalinsights
        .getSharedKeysOutput({ resourceGroupName, workspaceName: workspace.name }, { parent })
        .apply((keys) => keys.primarySharedKey ?? ""),
    );

    // The service's traces, metrics and logs land in the same workspace as the containers' logs.
    // The connection string names the resource's ingestion key: kept secret, passed as one.
    const insights = new azure.applicationinsights.Component(
      `${name}-insights`,
      { resourceGroupName, location, kind: "web", applicationType: "web", ingestionMode: "LogAnalytics", workspaceResourceId: workspace.id, tags },
      { parent },
    );
    const insightsConnectionString = pulumi.secret(insights.connectionString);

    // secureEnvironment is a secret, so its checks run once its value is known.
    const checkedEnvironment = pulumi.all([args.environment ?? {}, args.secureEnvironment ?? {}]).apply(([plain, secure]) => {
      refuse(environmentProblems(plain, secure));
      return { plain, secure };
    });
    const environmentVariables = checkedEnvironment.apply(({ plain, secure }): WireEnvironmentVariable[] => [
      ...Object.entries(plain).map(([envName, value]) => ({ name: envName, value })),
      ...Object.entries(secure).map(([envName, secureValue]) => ({ name: envName, secureValue })),
    ]);

    const identity = new azure.managedidentity.UserAssignedIdentity(`${name}-identity`, { resourceGroupName, location, tags }, { parent });

    const { actions, description } = operatorRole(args);
    const role = new azure.authorization.RoleDefinition(
      `${name}-role`,
      {
        roleDefinitionId: scope.apply((at) => roleDefinitionGuid(seed, at)),
        roleName: scope.apply((at) => roleName(seed, at)),
        description,
        roleType: "CustomRole",
        scope: group.id,
        assignableScopes: [group.id],
        permissions: [{ actions: [...actions], notActions: [] }],
      },
      { parent },
    );
    const roleDefinitionId = roleDefinitionResourceId(clientConfig.subscriptionId, role.name);
    const roleInForce = propagationWait(`${name}-role-propagation`, roleDefinitionSettle, { roleDefinitionId }, parent);

    const dispatch = deployDispatch({
      name,
      parent,
      seed,
      args,
      resourceGroupName,
      resourceGroupId: group.id,
      location,
      subscriptionId: clientConfig.subscriptionId,
      definition: {
        containerName,
        image: args.image,
        command: args.command,
        cpu: args.cpu ?? 1,
        memoryInGB: args.memoryInGB ?? 1.5,
        environmentVariables,
        workspaceId: workspace.customerId,
        workspaceKey,
      },
      tags,
      identityPrincipalId: identity.principalId,
      roleDefinitionId: settled(roleInForce, "roleDefinitionId"),
    });

    const store = deployRunStore({
      name,
      parent,
      accountName: scope.apply((at) => storageAccountName(seed, at)),
      resourceGroupName,
      location,
      subscriptionId: clientConfig.subscriptionId,
      identityPrincipalId: identity.principalId,
      tags,
    });

    const built = args.serviceBuild
      ? buildServiceImage(args.serviceBuild, {
          name,
          parent,
          seed,
          scope,
          resourceGroupName,
          location,
          identityPrincipalId: identity.principalId,
          clientConfig,
          tags,
        })
      : undefined;
    const serviceImage = built ? built.ref : pulumi.output(args.serviceImage as pulumi.Input<string>);

    const configuredKeys = args.apiKeys ?? new random.RandomPassword(`${name}-api-key`, { length: 48, special: false }, { parent }).result;
    const apiKeys = pulumi.secret(
      pulumi.output(configuredKeys).apply((keys) => {
        refuse(apiKeyProblems(keys));
        // Then the service's own check, which also refuses a label given twice.
        refuse(serviceSettingProblems([[configNames.apiKeys, keys]]));
        return keys;
      }),
    );
    const aciSecrets = pulumi.secret(
      pulumi.all([checkedEnvironment, workspaceKey]).apply(([{ secure }, key]) => {
        const document = aciSecretsDocument({ containerName, secureEnvironment: secure as Record<string, string>, logAnalyticsWorkspaceKey: key });
        // The service refuses an empty secure value, for one, and names only the variable.
        refuse(serviceSettingProblems([[configNames.secrets, document]]));
        return document;
      }),
    );
    const { entra, ...otherArgumentValues } = fromArgs;
    const service = serviceEnvironment({
      ...otherArgumentValues,
      subscriptionId: clientConfig.subscriptionId,
      resourceGroup: resourceGroupName,
      containerGroups: dispatch.pool.map((member) => member.name),
      standby: dispatch.standby?.values,
      clientId: identity.clientId,
      apiKeys,
      secrets: aciSecrets,
      storageAccount: store.account.name,
      appInsightsConnectionString: insightsConnectionString,
      ...(entra ? { entra: { ...entra, tenantId: clientConfig.tenantId } } : {}),
    });

    // Everything the first revision uses with the identity: pulling its image, the store its
    // readiness needs, and the groups its first runs re-create.
    const grantIds: Record<string, pulumi.Output<string>> = {
      "store-tables": store.grants.tables.id,
      "store-queues": store.grants.queues.id,
      "store-log-blobs": store.grants.logBlobs.id,
      ...dispatch.grantIds,
      ...(built ? { "acr-pull": built.acrPull.id } : {}),
    };
    const grantsInForce = propagationWait(`${name}-grant-propagation`, grantSettle, grantIds, parent);

    const serviceApp = deployServiceApp({
      name,
      parent,
      resourceGroupName,
      location,
      workspaceCustomerId: workspace.customerId,
      workspaceKey,
      identityId: identity.id,
      image: serviceImage,
      env: service.env,
      secrets: service.secrets,
      registryServer: built?.registry.loginServer,
      storageAccountName: store.account.name,
      dependsOn: [grantsInForce, store.table, store.queue, store.logContainer, ...dispatch.resources],
      tags,
    });

    this.resourceGroupName = resourceGroupName;
    this.containerGroupNames = pulumi.all(dispatch.pool.map((member) => member.group.name));
    this.containerGroupIds = pulumi.all(dispatch.pool.map((member) => member.group.id));
    this.containerGroupProfileId = dispatch.standby?.profile.id;
    this.standbyPoolId = dispatch.standby?.pool.id;
    this.storageAccountName = store.account.name;
    this.identityClientId = identity.clientId;
    this.roleDefinitionId = roleDefinitionId;
    this.url = serviceApp.url;
    this.runsUrl = pulumi.interpolate`${this.url}/runs`;
    // The key alone: a labelled entry's `label:` is not part of what a caller sends.
    this.apiKey = pulumi.secret(apiKeys.apply((keys) => splitApiKeyEntry(keys.split(",")[0] ?? "").key));
    this.registryLoginServer = built?.registry.loginServer;

    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      containerGroupNames: this.containerGroupNames,
      containerGroupIds: this.containerGroupIds,
      containerGroupProfileId: this.containerGroupProfileId,
      standbyPoolId: this.standbyPoolId,
      storageAccountName: this.storageAccountName,
      identityClientId: this.identityClientId,
      roleDefinitionId: this.roleDefinitionId,
      url: this.url,
      runsUrl: this.runsUrl,
      apiKey: this.apiKey,
      registryLoginServer: this.registryLoginServer,
    });
  }
}
