import type { WireContainer, WireContainerGroup } from "../../service/core/arm-types.js";

function withheldEnv(container: WireContainer): WireContainer {
  const env = container.properties.environmentVariables;
  if (!env) return container;
  const environmentVariables = env.map(({ secureValue, ...entry }) => (secureValue === undefined ? entry : { name: entry.name }));
  return { ...container, properties: { ...container.properties, environmentVariables } };
}

/**
 * What ARM's GET leaves out of a definition it was sent (FACTS §3): secure env values (the entry
 * keeps only its name), registry passwords, the Log Analytics key, resource id, log type and
 * metadata, Azure Files keys, secret volume contents (`{}`) and extension protected settings.
 */
export function withholdSecrets(body: WireContainerGroup): WireContainerGroup {
  const group = structuredClone(body);
  const p = group.properties;
  p.containers = p.containers.map(withheldEnv);
  if (p.initContainers) p.initContainers = p.initContainers.map(withheldEnv);
  for (const cred of p.imageRegistryCredentials ?? []) delete cred.password;
  const logAnalytics = p.diagnostics?.logAnalytics;
  if (logAnalytics) {
    delete logAnalytics.workspaceKey;
    delete logAnalytics.workspaceResourceId;
    delete logAnalytics.logType;
    delete logAnalytics.metadata;
  }
  for (const volume of p.volumes ?? []) {
    if (volume.azureFile) delete volume.azureFile.storageAccountKey;
    if (volume.secret) volume.secret = {};
  }
  for (const extension of p.extensions ?? []) delete extension.properties.protectedSettings;
  return group;
}

/** The read-only values ARM adds to a GET; tests vary them to prove none reaches a PUT. */
export interface ReadOnlyValues {
  provisioningState: string;
  groupState: string;
  containerState: string;
  principalId: string;
}

export const defaultReadOnlyValues: ReadOnlyValues = {
  provisioningState: "Succeeded",
  groupState: "Succeeded",
  containerState: "Terminated",
  principalId: "00000000-0000-0000-0000-0000000000aa",
};

function withInstanceView(container: WireContainer, values: ReadOnlyValues): WireContainer {
  return {
    ...container,
    properties: {
      ...container.properties,
      instanceView: {
        restartCount: 0,
        currentState: { state: values.containerState, exitCode: 0, startTime: "2024-01-01T00:00:00Z", detailStatus: "Completed" },
        events: [{ count: 1, name: "Pulled", message: "pulled", type: "Normal" }],
      },
    },
  };
}

/** Adds what ARM computes (FACTS §4) to a definition: ids, states, the provisioning timeout, instance views, identity ids, fqdn. */
export function withReadOnlyFields(body: WireContainerGroup, values: ReadOnlyValues = defaultReadOnlyValues): WireContainerGroup {
  const group = structuredClone(body);
  group.id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/job";
  group.name = "job";
  group.type = "Microsoft.ContainerInstance/containerGroups";
  const p = group.properties;
  p.provisioningState = values.provisioningState;
  // Not in the spec, but on every recorded 2023-05-01 read; ARM refuses them in a PUT.
  p["provisioningTimeoutInSeconds"] = 1800;
  p["isCustomProvisioningTimeout"] = false;
  p.instanceView = { state: values.groupState, events: [] };
  p.containers = p.containers.map((c) => withInstanceView(c, values));
  if (p.initContainers) p.initContainers = p.initContainers.map((c) => withInstanceView(c, values));
  const ipAddress = p["ipAddress"];
  if (typeof ipAddress === "object" && ipAddress !== null) (ipAddress as Record<string, unknown>)["fqdn"] = "job.westeurope.azurecontainer.io";
  const identity = group.identity;
  if (identity) {
    identity["principalId"] = values.principalId;
    identity["tenantId"] = "00000000-0000-0000-0000-0000000000bb";
    const assigned = identity["userAssignedIdentities"] as Record<string, Record<string, unknown>> | undefined;
    for (const value of Object.values(assigned ?? {})) {
      value["principalId"] = values.principalId;
      value["clientId"] = "00000000-0000-0000-0000-0000000000cc";
    }
  }
  return group;
}

/** The group as ARM's GET would show it after a PUT of `body`. */
export function simulateGet(body: WireContainerGroup, values: ReadOnlyValues = defaultReadOnlyValues): WireContainerGroup {
  return withReadOnlyFields(withholdSecrets(body), values);
}
