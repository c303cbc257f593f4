import * as azure from "@pulumi/azure-native";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { acrRefreshToken, acrTokenUsername } from "./acr-token.js";
import { type DeploymentScope, type NameSeed, registryName } from "./names.js";
import { acrPullRoleDefinitionGuid, roleDefinitionResourceId } from "./permissions.js";

/** Where the service's image comes from when no ready image is given. */
export interface ServiceBuild {
  /** The Docker build context, relative to the directory `pulumi` runs in. */
  context: string;
  /** The Dockerfile; defaults to `Dockerfile` inside the context. */
  dockerfile?: string;
}

export interface BuiltServiceImage {
  /** The pushed image as `registry/repository:tag@sha256:...`, so each new build rolls a new revision. */
  ref: pulumi.Output<string>;
  registry: azure.containerregistry.Registry;
  /** The identity's AcrPull grant; the Container App must not start before it exists. */
  acrPull: azure.authorization.RoleAssignment;
}

export interface ServiceImageContext {
  name: string;
  parent: pulumi.Resource;
  seed: NameSeed;
  scope: pulumi.Output<DeploymentScope>;
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  identityPrincipalId: pulumi.Input<string>;
  clientConfig: pulumi.Output<azure.authorization.GetClientConfigResult>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Builds the service from this repository's Dockerfile and pushes it to a new registry with the
 * admin user disabled; the service's identity pulls it through an AcrPull grant on that registry.
 */
export function buildServiceImage(build: ServiceBuild, context: ServiceImageContext): BuiltServiceImage {
  const { name, parent, seed } = context;
  const registry = new azure.containerregistry.Registry(
    `${name}-registry`,
    {
      resourceGroupName: context.resourceGroupName,
      location: context.location,
      registryName: context.scope.apply((scope) => registryName(seed, scope)),
      sku: { name: "Basic" },
      adminUserEnabled: false,
      tags: context.tags,
    },
    { parent },
  );

  const acrPull = new azure.authorization.RoleAssignment(
    `${name}-acr-pull`,
    {
      scope: registry.id,
      principalId: context.identityPrincipalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: roleDefinitionResourceId(context.clientConfig.subscriptionId, acrPullRoleDefinitionGuid),
    },
    { parent },
  );

  const armToken = azure.authorization.getClientTokenOutput({}, { parent });
  const pushToken = pulumi.secret(
    pulumi
      .all([registry.loginServer, context.clientConfig.tenantId, armToken.token])
      .apply(([loginServer, tenantId, token]) => acrRefreshToken(loginServer, tenantId, token)),
  );

  const image = new dockerBuild.Image(
    `${name}-service-image`,
    {
      context: { location: build.context },
      dockerfile: { location: build.dockerfile ?? `${build.context}/Dockerfile` },
      // Container Apps runs linux/amd64 only, whatever machine runs `pulumi up`.
      platforms: ["linux/amd64"],
      push: true,
      tags: [pulumi.interpolate`${registry.loginServer}/aci-http-trigger:${seed.stack}`],
      registries: [{ address: registry.loginServer, username: acrTokenUsername, password: pushToken }],
    },
    { parent },
  );

  return { ref: image.ref, registry, acrPull };
}
