import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { demoGroup } from "../../emulator/index.js";
import type { WireContainerGroup } from "../../service/core/arm-types.js";
import { baseDefinition } from "../../service/core/base-definition.js";
import { recreateBody } from "../../service/core/recreate-body.js";
import { groupPath, jobGroup, manualClock, rawArm, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";
import { loadRecordings } from "../helpers/recording-replay.js";
import { sdkPutBodyProblems, throughSdkModel, type SdkModelName } from "../helpers/sdk-serializer.js";

const timings = { pendingMs: 1_000, creatingMs: 1_000, runMs: 600_000 };
const clock = manualClock();
const arm = useArmEmulator({ timings, clock: clock.now });
const api = "?api-version=2023-05-01";

/** Properties real ARM sends that the 2023-05-01 spec, and so the SDK model, does not list. */
const specGaps = ["properties.provisioningTimeoutInSeconds", "properties.isCustomProvisioningTimeout"];

/** What the SDK's model loses of an answer, beyond the spec's gaps. */
function losses(model: SdkModelName, body: unknown): string[] {
  return throughSdkModel(model, body)
    .lost.filter((d) => !(d.kind === "missing" && specGaps.some((gap) => d.path === gap || d.path.endsWith(`].${gap}`))))
    .map((d) => `${d.path} (${d.kind})`);
}

/** A group using most of what 2023-05-01 offers, so most of the SDK's models are exercised. */
function richGroup(): Record<string, unknown> {
  const body = demoGroup({ location: "westeurope" }) as { properties: Record<string, unknown> } & Record<string, unknown>;
  body.identity = { type: "SystemAssigned" };
  Object.assign(body.properties, {
    initContainers: [{ name: "init", properties: { image: "busybox:1.36", command: ["true"], environmentVariables: [{ name: "INIT_SECRET", secureValue: "s" }] } }],
    imageRegistryCredentials: [{ server: "registry.example", username: "puller", password: "registry-password" }],
    ipAddress: { type: "Public", ports: [{ protocol: "TCP", port: 80 }], dnsNameLabel: "rich-label" },
    diagnostics: { logAnalytics: { workspaceId: "ws-id", workspaceKey: "ws-key" } },
    priority: "Regular",
  });
  return body;
}

describe("emulator answers through @azure/arm-containerinstance's own models", () => {
  it("gives the SDK client the model it makes of the raw answer, for GET, list, PATCH and logs", async () => {
    arm.emulator.putGroup(sub, rg, "sdk-rich", richGroup());
    clock.advance(timings.pendingMs + timings.creatingMs);
    const raw = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("sdk-rich")}${api}`);
    expect(await arm.client.containerGroups.get(rg, "sdk-rich")).toEqual(throughSdkModel("ContainerGroup", raw.body).model);
    expect(losses("ContainerGroup", raw.body)).toEqual([]);

    const list = await rawArm(arm.client, arm.emulator, "GET", `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerInstance/containerGroups${api}`);
    expect(losses("ContainerGroupListResult", list.body)).toEqual([]);

    const patched = await rawArm(arm.client, arm.emulator, "PATCH", `${groupPath("sdk-rich")}${api}`, { tags: { team: "a" } });
    expect(await arm.client.containerGroups.update(rg, "sdk-rich", { tags: { team: "a" } })).toEqual(throughSdkModel("ContainerGroup", patched.body).model);
    expect(losses("ContainerGroup", patched.body)).toEqual([]);

    const logs = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("sdk-rich", "/containers/job/logs")}${api}`);
    expect(await arm.client.containers.listLogs(rg, "sdk-rich", "job")).toEqual(throughSdkModel("Logs", logs.body).model);
    expect(losses("Logs", logs.body)).toEqual([]);
  });

  it("loses nothing of a PUT answer, a stopped group, a failed pull, a delete answer or a CloudError", async () => {
    const put = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("sdk-put")}${api}`, richGroup());
    expect(losses("ContainerGroup", put.body)).toEqual([]);

    arm.emulator.putGroup(sub, rg, "sdk-stopped", jobGroup([{ name: "EMULATOR_RUN_MS", value: "600000" }]));
    arm.emulator.putGroup(sub, rg, "sdk-pull", jobGroup([{ name: "EMULATOR_PULL_FAILURE", value: "1" }]));
    clock.advance(timings.pendingMs + timings.creatingMs);
    await arm.client.containerGroups.stop(rg, "sdk-stopped");
    const stopped = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("sdk-stopped")}${api}`);
    expect(stopped.body.properties.containers[0].properties.instanceView.previousState.state).toBe("Running");
    expect(losses("ContainerGroup", stopped.body)).toEqual([]);
    const failed = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("sdk-pull")}${api}`);
    expect(losses("ContainerGroup", failed.body)).toEqual([]);

    const deleted = await rawArm(arm.client, arm.emulator, "DELETE", `${groupPath("sdk-stopped")}${api}`);
    expect(losses("ContainerGroup", deleted.body)).toEqual([]);
    const missing = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("sdk-stopped")}${api}`);
    expect(missing.status).toBe(404);
    expect(losses("CloudError", missing.body)).toEqual([]);
  });

  it("reports what a model does not carry", () => {
    expect(losses("Logs", { content: "x", surprise: 1 })).toEqual(["surprise (missing)"]);
  });
});

describe("PUT bodies through the SDK's serializer", () => {
  it("accepts every valid body the emulator's tests and the recordings PUT", () => {
    const recorded = loadRecordings(fileURLToPath(new URL("../fixtures/recordings/", import.meta.url)))
      .flatMap((r) => r.steps)
      .filter((s) => s.request.method === "PUT" && (s.setup || (s.response?.status ?? 500) < 300))
      .map((s) => s.request.body);
    for (const body of [jobGroup(), demoGroup(), richGroup(), ...recorded]) expect(sdkPutBodyProblems(body)).toEqual([]);
  });

  it("names a missing required property, a value of the wrong type, and properties the SDK would not send", () => {
    const noOsType = jobGroup() as { properties: Record<string, unknown> };
    delete noOsType.properties.osType;
    expect(sdkPutBodyProblems(noOsType)).toEqual(["body.properties.osType cannot be null or undefined."]);
    const noCpu = jobGroup() as { properties: { containers: Array<{ properties: { resources: { requests: Record<string, unknown> } } }> } };
    delete noCpu.properties.containers[0]?.properties.resources.requests.cpu;
    expect(sdkPutBodyProblems(noCpu)).toEqual(["body.properties.containers.properties.resources.requests.cpu cannot be null or undefined."]);
    expect(sdkPutBodyProblems(jobGroup([], { restartPolicy: 3 }))).toEqual([expect.stringContaining("must be of type string")]);
    expect(sdkPutBodyProblems(jobGroup([], { provisioningState: "Succeeded", provisioningTimeoutInSeconds: 1800 }))).toEqual([
      "not sent by the SDK: properties.provisioningState",
      "not sent by the SDK: properties.provisioningTimeoutInSeconds",
    ]);
  });

  it("accepts the service's re-create of what the emulator's GET shows, which the emulator then accepts too", async () => {
    arm.emulator.putGroup(sub, rg, "sdk-recreate", demoGroup(), { terminated: true });
    const read = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("sdk-recreate")}${api}`);
    expect(read.body.properties.provisioningTimeoutInSeconds).toBe(1800);
    const group = read.body as WireContainerGroup;
    const rebuilt = recreateBody({
      group,
      request: { env: { GREETING: "hello" } },
      secrets: {
        env: { job: { API_TOKEN: "demo-placeholder-token" } },
        azureFileKeys: { shared: "ZGVtby1wbGFjZWhvbGRlci1rZXk=" },
        secretVolumes: { "job-secrets": { "settings.json": Buffer.from('{"mode":"demo"}').toString("base64") } },
      },
      base: baseDefinition(group.properties.containers[0]!, undefined).base,
      runId: "run-1",
    });
    if (!rebuilt.ok) throw new Error(`recreate refused: ${rebuilt.code}`);
    expect(sdkPutBodyProblems(rebuilt.body)).toEqual([]);
    const put = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("sdk-recreate")}${api}`, rebuilt.body);
    expect(put.status).toBe(200);
  });
});
