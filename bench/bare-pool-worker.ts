import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { ManagedIdentityCredential } from "@azure/identity";
import type { WireContainerGroup } from "../service/core/arm-types.js";
import { runIdTagName } from "../service/core/carried-run.js";
import { isTerminal } from "../service/core/run.js";
import { runStatus } from "../service/core/status.js";
import type { BareTriggerOptions } from "./bare-trigger.js";
import type { PoolPlan } from "./pool-makespan.js";
import type { PoolRun } from "./pool-figures.js";

// The pool's floor: what any poller of ARM pays on this machine, with nothing durable between a
// run's end and the next PUT. A process of its own, like the service, driven over IPC by
// bare-pool.ts. It keeps the queue in memory and reads every group side by side each interval
// (from the start of one pass to the next, as the service's loop does), and a group whose run it
// reads ended gets the queue's next run at once, its PUT not awaited by the pass. No store, no
// log copy, no claim: the service's hand-over minus these is the cost of never losing a run.
export type BarePoolMessage = { options: Omit<BareTriggerOptions, "containerGroup">; groups: string[]; plan: PoolPlan };
export type BarePoolReply = { ready: true } | { startedAtMs: number; runs: PoolRun[] } | { error: string };

process.once("message", (message: BarePoolMessage) => {
  const { options, groups, plan } = message;
  process.env["IDENTITY_ENDPOINT"] = options.identityEndpoint;
  process.env["IDENTITY_HEADER"] = options.identityHeader;
  const credential = new ManagedIdentityCredential({ clientId: options.clientId });
  const client = new ContainerInstanceManagementClient(credential, options.subscriptionId, { endpoint: options.endpoint });
  const url = (group: string) =>
    `${options.endpoint}/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}` +
    `/providers/Microsoft.ContainerInstance/containerGroups/${group}?api-version=2023-05-01`;

  async function send(method: "GET" | "PUT", group: string, body?: WireContainerGroup): Promise<WireContainerGroup> {
    const response = await client.sendRequest(
      createPipelineRequest({
        url: url(group),
        method,
        ...(body ? { body: JSON.stringify(body) } : {}),
        headers: createHttpHeaders({ "content-type": "application/json", accept: "application/json" }),
      }),
    );
    if (response.status !== 200 && response.status !== 201) throw new Error(`bare pool: ARM answered ${response.status} to a ${method} of ${group}`);
    return JSON.parse(response.bodyAsText ?? "{}") as WireContainerGroup;
  }

  function bodyFor(runId: string): WireContainerGroup {
    const body = structuredClone(options.definition);
    const [target] = body.properties.containers;
    if (!target) throw new Error("bare pool: the definition has no container");
    target.properties.environmentVariables = [...(target.properties.environmentVariables ?? []), { name: "EMULATOR_RUN_MS", value: String(plan.runMs) }];
    body.tags = { ...body.tags, [runIdTagName]: runId };
    return body;
  }

  const run = async (): Promise<PoolRun[]> => {
    const queue = Array.from({ length: plan.runs }, (_, i) => `bare-${i}`);
    // Each group's run, once its PUT was answered; a group whose PUT is in flight is not read.
    const holding = new Map<string, string | undefined>(groups.map((group) => [group, undefined]));
    const sending = new Set<string>();
    const ended: PoolRun[] = [];
    let failure: unknown;
    const dispatch = (group: string) => {
      const runId = queue.shift();
      if (runId === undefined) return;
      sending.add(group);
      send("PUT", group, bodyFor(runId)).then(
        () => holding.set(group, runId),
        (error: unknown) => (failure = error),
      ).finally(() => sending.delete(group));
    };
    for (const group of groups) dispatch(group);
    const deadline = performance.now() + 60_000;
    while (ended.length < plan.runs) {
      if (failure) throw failure;
      if (performance.now() > deadline) throw new Error(`bare pool: ${plan.runs - ended.length} runs did not end within 60 s`);
      const began = performance.now();
      await Promise.all(
        groups.map(async (group) => {
          const runId = holding.get(group);
          if (runId === undefined || sending.has(group)) return;
          const read = await send("GET", group);
          if (read.tags?.[runIdTagName] !== runId) return;
          const view = runStatus(read, runId);
          if (!isTerminal(view.status)) return;
          ended.push({ id: runId, group, finishedAtMs: Date.parse(view.finishedAt ?? "") });
          holding.set(group, undefined);
          dispatch(group);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, began + plan.reconcileIntervalMs - performance.now())));
    }
    return ended;
  };

  process.on("message", () => {
    const startedAtMs = Date.now();
    run().then(
      (runs) => process.send!({ startedAtMs, runs } satisfies BarePoolReply),
      (error: unknown) => process.send!({ error: String(error) } satisfies BarePoolReply),
    );
  });
  process.send!({ ready: true } satisfies BarePoolReply);
});
