import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { ManagedIdentityCredential } from "@azure/identity";
import type { WireContainerGroup } from "../service/core/arm-types.js";

export interface BareTriggerOptions {
  endpoint: string;
  identityEndpoint: string;
  identityHeader: string;
  clientId: string;
  subscriptionId: string;
  resourceGroup: string;
  containerGroup: string;
  /** The complete definition (secrets included) the script re-creates each time. */
  definition: WireContainerGroup;
}

/**
 * The least a hand-written trigger must do, with the same SDK objects the service uses: read the
 * group (is a run active?), then PUT the whole definition with the run's env through the client's
 * pipeline, no polling, and take ARM's 200/201 as acceptance. No HTTP server, auth, validation,
 * run record or logging: what is left when the service is taken away.
 */
export function createBareTrigger(options: BareTriggerOptions): (runId: string, env: Record<string, string>) => Promise<void> {
  // ManagedIdentityCredential finds the App Service endpoint in the environment, as in Azure.
  process.env["IDENTITY_ENDPOINT"] = options.identityEndpoint;
  process.env["IDENTITY_HEADER"] = options.identityHeader;
  const credential = new ManagedIdentityCredential({ clientId: options.clientId });
  const client = new ContainerInstanceManagementClient(credential, options.subscriptionId, { endpoint: options.endpoint });
  const url =
    `${options.endpoint}/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}` +
    `/providers/Microsoft.ContainerInstance/containerGroups/${options.containerGroup}?api-version=2023-05-01`;

  return async (runId, env) => {
    let raw: string | null | undefined;
    await client.containerGroups.get(options.resourceGroup, options.containerGroup, {
      onResponse: (response) => {
        raw = response.bodyAsText;
      },
    });
    const group = JSON.parse(raw ?? "{}") as WireContainerGroup;
    const state = group.properties.instanceView?.state;
    if (state === "Running" || state === "Pending") throw new Error(`bare trigger: group is ${state}`);

    const body = structuredClone(options.definition);
    const [target] = body.properties.containers;
    if (!target) throw new Error("bare trigger: the definition has no container");
    target.properties.environmentVariables = [
      ...(target.properties.environmentVariables ?? []),
      ...Object.entries(env).map(([name, value]) => ({ name, value })),
      { name: "TRIGGER_RUN_ID", value: runId },
    ];
    body.tags = { ...body.tags, "trigger-run": runId };
    const response = await client.sendRequest(
      createPipelineRequest({
        url,
        method: "PUT",
        body: JSON.stringify(body),
        headers: createHttpHeaders({ "content-type": "application/json", accept: "application/json" }),
      }),
    );
    if (response.status !== 200 && response.status !== 201) throw new Error(`bare trigger: ARM answered ${response.status}`);
    JSON.parse(response.bodyAsText ?? "{}");
  };
}
