import * as pulumi from "@pulumi/pulumi";

/** What the mock engine received for one resource: its inputs and the options the SDK sent. */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  ignoreChanges: string[];
  /** URNs of every resource this one depends on (dependsOn and input dependencies). */
  dependencies: string[];
}

export const subscriptionId = "00000000-1111-2222-3333-444444444444";
export const tenantId = "99999999-8888-7777-6666-555555555555";
export const workspaceKey = "workspace-shared-key";
export const appFqdn = "trigger.example.westeurope.azurecontainerapps.io";

function resourceState(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
  const inputs = args.inputs;
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/${inputs.resourceGroupName ?? "rg"}`;
  switch (args.type) {
    case "azure-native:resources:ResourceGroup": {
      const name = inputs.resourceGroupName ?? `${args.name}-1234`;
      return { id: `/subscriptions/${subscriptionId}/resourceGroups/${name}`, state: { ...inputs, name, location: inputs.location ?? "westeurope" } };
    }
    case "azure-native:operationalinsights:Workspace":
      return { id: `${rg}/providers/Microsoft.OperationalInsights/workspaces/${args.name}`, state: { ...inputs, name: args.name, customerId: "workspace-customer-id" } };
    case "azure-native:containerinstance:ContainerGroup": {
      const name = `${args.name}-abcd`;
      return { id: `${rg}/providers/Microsoft.ContainerInstance/containerGroups/${name}`, state: { ...inputs, name } };
    }
    case "azure-native:managedidentity:UserAssignedIdentity":
      return {
        id: `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${args.name}`,
        state: { ...inputs, name: args.name, principalId: "identity-principal-id", clientId: "identity-client-id" },
      };
    case "azure-native:authorization:RoleDefinition":
      return { id: `${inputs.scope}/providers/Microsoft.Authorization/roleDefinitions/${inputs.roleDefinitionId}`, state: { ...inputs, name: inputs.roleDefinitionId } };
    case "azure-native:containerregistry:Registry":
      return { id: `${rg}/providers/Microsoft.ContainerRegistry/registries/${inputs.registryName}`, state: { ...inputs, name: inputs.registryName, loginServer: `${inputs.registryName}.azurecr.io` } };
    case "docker-build:index:Image":
      return { id: `${args.name}-image`, state: { ...inputs, ref: `${inputs.tags[0]}@sha256:0123abcd`, digest: "sha256:0123abcd" } };
    case "azure-native:app:ContainerApp":
      return {
        id: `${rg}/providers/Microsoft.App/containerApps/${args.name}`,
        state: { ...inputs, name: args.name, configuration: { ...inputs.configuration, ingress: { ...inputs.configuration.ingress, fqdn: appFqdn } } },
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
 * Installs Pulumi's documented mocks (project `aci-http-trigger`, stack `dev`) and records every
 * registration: the inputs `newResource` receives (secret values still marked) and the resource
 * options the SDK sends to the engine, which `MockResourceArgs` does not carry.
 */
export async function installMocks(): Promise<Map<string, RegisteredResource>> {
  const registered = new Map<string, RegisteredResource>();
  const entry = (name: string, type: string): RegisteredResource => {
    const existing = registered.get(name) ?? { type, name, inputs: {}, ignoreChanges: [], dependencies: [] };
    registered.set(name, existing);
    return existing;
  };
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        entry(args.name, args.type).inputs = args.inputs;
        return resourceState({ ...args, inputs: reveal(args.inputs) });
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
    registration.dependencies = req.getDependenciesList();
    return register(req, callback);
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
