import * as pulumi from "@pulumi/pulumi";

/** What the mock engine received for one resource: its inputs and the options the SDK sent. */
export interface RegisteredResource {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, any>;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  /** The URN of the resource whose deletion deletes this one, or "". */
  deletedWith: string;
  /** URNs of every resource this one depends on (dependsOn and input dependencies). */
  dependencies: string[];
}

export const subscriptionId = "00000000-1111-2222-3333-444444444444";
export const tenantId = "99999999-8888-7777-6666-555555555555";
export const workspaceKey = "workspace-shared-key";
export const insightsConnectionString = "InstrumentationKey=insights-ingestion-key;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/";
export const environmentDomain = "kindsea-1a2b3c4d.westeurope.azurecontainerapps.io";

/** The properties each container group profile was last deployed with, and the revision that made. */
const profileRevisions = new Map<string, { properties: string; revision: number }>();

/**
 * ACI's rule for profile revisions: the first PUT makes revision 1, a PUT that changes the
 * profile makes the next one, and an unchanged one keeps it; ARM answers with it in
 * `properties.revision`, which the provider returns as an output.
 */
function profileRevision(id: string, properties: unknown): number {
  const text = JSON.stringify(properties);
  const last = profileRevisions.get(id.toLowerCase());
  const revision = last === undefined ? 1 : last.properties === text ? last.revision : last.revision + 1;
  profileRevisions.set(id.toLowerCase(), { properties: text, revision });
  return revision;
}

function resourceState(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
  const inputs = args.inputs;
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/${inputs.resourceGroupName ?? "rg"}`;
  switch (args.type) {
    case "azure-native:resources:ResourceGroup": {
      const name = inputs.resourceGroupName ?? `${args.name}-1234`;
      return { id: `/subscriptions/${subscriptionId}/resourceGroups/${name}`, state: { ...inputs, name, location: inputs.location ?? "westeurope" } };
    }
    case "azure-native:resources:Resource": {
      const id = `${rg}/providers/${inputs.resourceProviderNamespace}/${inputs.resourceType}/${inputs.resourceName}`;
      const properties = inputs.resourceType === "containerGroupProfiles" ? { ...inputs.properties, revision: profileRevision(id, inputs.properties) } : inputs.properties;
      return { id, state: { ...inputs, properties, name: inputs.resourceName } };
    }
    case "azure-native:operationalinsights:Workspace":
      return { id: `${rg}/providers/Microsoft.OperationalInsights/workspaces/${args.name}`, state: { ...inputs, name: args.name, customerId: "workspace-customer-id" } };
    case "azure-native:applicationinsights:Component":
      return {
        id: `${rg}/providers/Microsoft.Insights/components/${args.name}`,
        state: { ...inputs, name: args.name, connectionString: insightsConnectionString },
      };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return {
        id: `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${args.name}`,
        state: { ...inputs, name: args.name, principalId: "identity-principal-id", clientId: "identity-client-id" },
      };
    case "azure-native:authorization:RoleDefinition":
      return { id: `${inputs.scope}/providers/Microsoft.Authorization/roleDefinitions/${inputs.roleDefinitionId}`, state: { ...inputs, name: inputs.roleDefinitionId } };
    case "azure-native:authorization:RoleAssignment":
      return { id: `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${args.name}`, state: { ...inputs, name: args.name } };
    case "azure-native:storage:StorageAccount":
      return { id: `${rg}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}`, state: { ...inputs, name: inputs.accountName } };
    case "azure-native:storage:BlobContainer":
      return {
        id: `${rg}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}/blobServices/default/containers/${inputs.containerName}`,
        state: { ...inputs, name: inputs.containerName },
      };
    case "azure-native:containerregistry:Registry":
      return { id: `${rg}/providers/Microsoft.ContainerRegistry/registries/${inputs.registryName}`, state: { ...inputs, name: inputs.registryName, loginServer: `${inputs.registryName}.azurecr.io` } };
    case "docker-build:index:Image":
      return { id: `${args.name}-image`, state: { ...inputs, ref: `${inputs.tags[0]}@sha256:0123abcd`, digest: "sha256:0123abcd" } };
    case "azure-native:app:ManagedEnvironment":
      return { id: `${rg}/providers/Microsoft.App/managedEnvironments/${args.name}`, state: { ...inputs, name: args.name, defaultDomain: environmentDomain } };
    case "azure-native:app:ContainerApp":
      return {
        id: `${rg}/providers/Microsoft.App/containerApps/${args.name}`,
        state: {
          ...inputs,
          name: args.name,
          latestRevisionFqdn: `${args.name}--rev1.${environmentDomain}`,
          configuration: { ...inputs.configuration, ingress: { ...inputs.configuration.ingress, fqdn: `${args.name}.${environmentDomain}` } },
        },
      };
    case "random:index/randomPassword:RandomPassword":
      return { id: args.name, state: { ...inputs, result: "GeneratedKey0123456789abcdefghijklmnopqrstuvwxyzAB" } };
    default:
      return { id: `${rg}/${args.type}/${args.name}`, state: { ...inputs, name: args.name } };
  }
}

function callResult(args: pulumi.runtime.MockCallArgs): Record<string, any> {
  switch (args.token) {
    case "azure-native:authorization:getClientConfig":
      return { subscriptionId, tenantId, clientId: "deployer-client-id", objectId: "deployer-object-id" };
    case "azure-native:authorization:getClientToken":
      return { token: "arm-access-token" };
    case "azure-native:operationalinsights:getSharedKeys":
      return { primarySharedKey: workspaceKey, secondarySharedKey: "other" };
    case "azure-native:resources:getResourceGroup":
      return {
        id: `/subscriptions/${subscriptionId}/resourceGroups/${args.inputs.resourceGroupName}`,
        name: args.inputs.resourceGroupName,
        location: "northeurope",
      };
    default:
      throw new Error(`unexpected invoke ${args.token}`);
  }
}

const secretSigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a deserialized input value arrived marked secret. */
export function isSecretInput(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSigKey] === secretSig;
}

function markedSecret(value: unknown): Record<string, unknown> {
  return { [secretSigKey]: secretSig, value };
}

/** The input with every secret marker removed, to compare plain values. */
export function reveal(value: any): any {
  if (isSecretInput(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, reveal(entry)]));
  }
  return value;
}

/**
 * The engine's rule for provider outputs (pulumi/pulumi `annotateSecrets`): an output whose
 * same-named input held a secret comes back secret, whatever the provider says.
 */
function annotateSecrets(inputs: Record<string, any>, state: Record<string, any>): Record<string, any> {
  return Object.fromEntries(
    Object.entries(state).map(([key, value]) => [key, isSecretInput(inputs[key]) && !isSecretInput(value) ? markedSecret(value) : value]),
  );
}

/**
 * Installs Pulumi's documented mocks (project `aci-http-trigger`, stack `dev`) and records every
 * registration: the inputs `newResource` receives (secret values still marked) and the resource
 * options the SDK sends to the engine, which `MockResourceArgs` does not carry. Outputs follow
 * the engine's secret rule, so a value the engine would print as `[secret]` is secret here too.
 */
export async function installMocks(registered = new Map<string, RegisteredResource>()): Promise<Map<string, RegisteredResource>> {
  const entry = (name: string, type: string): RegisteredResource => {
    const existing = registered.get(name) ?? {
      type,
      name,
      urn: "",
      inputs: {},
      ignoreChanges: [],
      replaceOnChanges: [],
      deleteBeforeReplace: false,
      deletedWith: "",
      dependencies: [],
    };
    registered.set(name, existing);
    return existing;
  };
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        entry(args.name, args.type).inputs = args.inputs;
        const { id, state } = resourceState({ ...args, inputs: reveal(args.inputs) });
        return { id, state: annotateSecrets(args.inputs, state) };
      },
      call: (args) => callResult(args),
    },
    "aci-http-trigger",
    "dev",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: any, callback: (err: any, response: any) => void): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const registration = entry(req.getName(), req.getType());
    registration.ignoreChanges = req.getIgnorechangesList();
    registration.replaceOnChanges = req.getReplaceonchangesList();
    registration.deleteBeforeReplace = req.getDeletebeforereplace();
    registration.deletedWith = req.getDeletedwith();
    registration.dependencies = req.getDependenciesList();
    return register(req, (err, response) => {
      if (response) registration.urn = response.getUrn();
      callback(err, response);
    });
  };
  return registered;
}

/** The value of an output once the mock engine resolved it. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** The registration of the one resource with this logical name. */
export function resource(registered: Map<string, RegisteredResource>, name: string): RegisteredResource {
  const found = registered.get(name);
  if (!found) throw new Error(`no resource named ${name}; registered: ${[...registered.keys()].join(", ")}`);
  return found;
}

/** Whether `dependent` depends on the resource with logical name `name`. */
export function dependsOn(dependent: RegisteredResource, name: string): boolean {
  return dependent.dependencies.some((urn) => urn.endsWith(`::${name}`));
}
