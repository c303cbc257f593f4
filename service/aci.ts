import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import type { TokenCredential } from "@azure/identity";
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { WireContainerGroup } from "./arm-types.js";
import type { ContainerGroupPort } from "./container-group-port.js";
import { armCallDeadline, RetryAfterTooLongError, retryAfterCapPolicy } from "./retry-after-cap.js";
import { retryWhileTransitioning, type TransitioningRetryOptions } from "./transitioning-retry.js";

/** The api-version of every request; the SDK 9.x targets it, and the re-create is built for it. */
export const apiVersion = "2023-05-01";

export interface ArmClientOptions {
  credential: TokenCredential;
  subscriptionId: string;
  endpoint: string;
}

/** The one ARM client of the process: the SDK's pipeline (auth, retries) plus the deadline cap on waits. */
export function createArmClient(options: ArmClientOptions): ContainerInstanceManagementClient {
  return new ContainerInstanceManagementClient(options.credential, options.subscriptionId, {
    endpoint: options.endpoint,
    additionalPolicies: [{ policy: retryAfterCapPolicy(), position: "perRetry" }],
  });
}

export interface AciPortOptions {
  client: ContainerInstanceManagementClient;
  /** The same ARM endpoint the client was built with (the client keeps it private). */
  endpoint: string;
  subscriptionId: string;
  resourceGroup: string;
  containerGroup: string;
  /** How long one port call may spend waiting out throttling and a transitioning group, in all. */
  callBudgetMs: number;
  /** The waits between retries of a transitioning group. */
  transitioningRetry?: Pick<TransitioningRetryOptions, "initialDelayMs" | "maxDelayMs">;
}

/** The real `ContainerGroupPort`: the only module that talks to ARM. */
export function createAciPort(options: AciPortOptions): ContainerGroupPort {
  const { client, resourceGroup, containerGroup } = options;
  const groupUrl =
    `${options.endpoint.replace(/\/+$/, "")}/subscriptions/${encodeURIComponent(options.subscriptionId)}` +
    `/resourceGroups/${encodeURIComponent(resourceGroup)}` +
    `/providers/Microsoft.ContainerInstance/containerGroups/${encodeURIComponent(containerGroup)}` +
    `?api-version=${apiVersion}`;
  // One deadline per port call, shared by the SDK's throttling retries (through the cap policy)
  // and the retries of a transitioning group, so their waits cannot add up past the budget.
  const withinBudget = <T>(operation: (deadline: number) => Promise<T>) => {
    const deadline = Date.now() + options.callBudgetMs;
    return armCallDeadline.run(deadline, () => surfaceThrottling(() => operation(deadline)));
  };
  const whileTransitioning = <T>(operation: () => Promise<T>) =>
    withinBudget((deadline) => retryWhileTransitioning(operation, { deadline, ...options.transitioningRetry }));

  return {
    read: () =>
      withinBudget(async () => {
        // The raw wire body, not the SDK model: the model's mappers drop what they do not know,
        // and deserializing into a model that is thrown away costs CPU on every status request.
        const response = await client.sendRequest(createPipelineRequest({ url: groupUrl, method: "GET", headers: createHttpHeaders({ accept: "application/json" }) }));
        if (response.status !== 200) throw armError(response);
        return JSON.parse(response.bodyAsText ?? "{}") as WireContainerGroup;
      }),

    replace: (body) =>
      whileTransitioning(async () => {
        // One PUT through the client's own pipeline: `beginCreateOrUpdate` would poll the
        // operation once before returning, and the run is accepted as soon as ARM says 200/201.
        const response = await client.sendRequest(
          createPipelineRequest({
            url: groupUrl,
            method: "PUT",
            body: JSON.stringify(body),
            headers: createHttpHeaders({ "content-type": "application/json", accept: "application/json" }),
          }),
        );
        if (response.status !== 200 && response.status !== 201) throw armError(response);
        return JSON.parse(response.bodyAsText ?? "{}") as WireContainerGroup;
      }),

    stop: () => whileTransitioning(() => client.containerGroups.stop(resourceGroup, containerGroup)),

    logs: (container, tail) =>
      withinBudget(async () => {
        const logs = await client.containers.listLogs(resourceGroup, containerGroup, container, {
          ...(tail === undefined ? {} : { tail }),
        });
        return logs.content ?? "";
      }),
  };
}

/** The `RestError` the SDK would have thrown for an ARM error response. */
function armError(response: PipelineResponse): RestError {
  let code: string | undefined;
  let message = `ARM answered ${response.status}`;
  try {
    const body = JSON.parse(response.bodyAsText ?? "") as { error?: { code?: string; message?: string } };
    code = body.error?.code;
    message = body.error?.message ?? message;
  } catch {
    // A body that is not a CloudError leaves the status as the only fact.
  }
  return new RestError(message, { statusCode: response.status, response, request: response.request, ...(code ? { code } : {}) });
}

/** Turns the wait cap's error back into the throttling `RestError` the caller maps to 503. */
async function surfaceThrottling<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof RetryAfterTooLongError) throw armError(error.response);
    throw error;
  }
}
