import { beforeEach, describe, expect, it } from "vitest";
import {
  eventually,
  fastPolling,
  groupPath,
  jobGroup,
  jobGroupModel,
  rawArm,
  testResourceGroup as rg,
  testSubscriptionId as sub,
  useArmEmulator,
} from "../helpers/emulator.js";

const arm = useArmEmulator();

beforeEach(() => arm.emulator.faults.clear());

describe("create", () => {
  it("answers a new group's PUT with 201, Pending and an Azure-AsyncOperation link back to the emulator", async () => {
    const response = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("create-raw")}?api-version=2023-05-01`, jobGroup());
    expect(response.status).toBe(201);
    expect(response.body.properties.provisioningState).toBe("Pending");
    expect(response.body.properties.instanceView.state).toBe("Pending");
    expect(response.headers["location"]).toBeUndefined();
    expect(response.headers["azure-asyncoperation"]).toMatch(
      new RegExp(`^${arm.emulator.url}/subscriptions/${sub}/providers/Microsoft\\.ContainerInstance/locations/westeurope/operations/[0-9a-f-]{36}\\?api-version=2018-06-01$`),
    );
    expect(response.headers["x-ms-request-id"]).toMatch(/^westeurope:[0-9a-f-]{36}$/);
    expect(response.headers["x-ms-ratelimit-remaining-subscription-writes"]).toBeDefined();
    expect(response.headers["x-ms-ratelimit-remaining-subscription-resource-requests-pt5m"]).toBeDefined();
  });

  it("reports the operation Pending, then Succeeded with the group's id, once the group reads Succeeded", async () => {
    const put = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("create-op")}?api-version=2023-05-01`, jobGroup());
    const operationUrl = new URL(put.headers["azure-asyncoperation"] ?? "");
    const first = await rawArm(arm.client, arm.emulator, "GET", operationUrl.pathname + operationUrl.search);
    expect(first.body).toEqual({ id: groupPath("create-op"), status: "Pending", startTime: expect.any(String), properties: { events: [] } });
    const done = await eventually(() => rawArm(arm.client, arm.emulator, "GET", operationUrl.pathname + operationUrl.search), (r) => r.body.status === "Succeeded");
    expect(done.body.id).toBe(groupPath("create-op"));
    const group = await arm.client.containerGroups.get(rg, "create-op");
    expect(group.provisioningState).toBe("Succeeded");
  });

  it("creates a group through the SDK's long-running PUT and polls it to Succeeded", async () => {
    arm.emulator.clearRequests();
    const created = await arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "create-sdk", jobGroupModel(), fastPolling);
    expect(created.provisioningState).toBe("Succeeded");
    expect(created.id).toBe(groupPath("create-sdk"));
    expect(created.name).toBe("create-sdk");
    expect(created.type).toBe("Microsoft.ContainerInstance/containerGroups");
    const methods = arm.emulator.requests.filter((r) => r.path.includes("create-sdk") || r.path.includes("/operations/")).map((r) => r.method);
    expect(methods[0]).toBe("PUT");
    expect(methods.at(-1)).toBe("GET");
  });
});

describe("get", () => {
  it("reads a group with its instance view, and the default restart policy and sku spelled out", async () => {
    const body = jobGroup();
    delete (body.properties as Record<string, unknown>).restartPolicy;
    arm.emulator.putGroup(sub, rg, "get-defaults", body);
    const group = await arm.client.containerGroups.get(rg, "get-defaults");
    expect(group.restartPolicy).toBe("Always");
    expect(group.sku).toBe("Standard");
    expect(group.instanceView?.state).toBeDefined();
    expect(group.containers[0]?.instanceView?.currentState?.state).toBeDefined();
  });

  it("answers 404 ResourceNotFound for a group that does not exist", async () => {
    await expect(arm.client.containerGroups.get(rg, "nope")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("matches path segments and names without regard to case, like ARM", async () => {
    arm.emulator.putGroup(sub, rg, "Mixed-Case", jobGroup());
    const path = `/SUBSCRIPTIONS/${sub}/resourcegroups/${rg.toUpperCase()}/providers/microsoft.containerinstance/CONTAINERGROUPS/mixed-case?api-version=2023-05-01`;
    const response = await rawArm(arm.client, arm.emulator, "GET", path);
    expect(response.status).toBe(200);
    expect(response.body.name).toBe("Mixed-Case");
    expect(response.body.id).toBe(groupPath("Mixed-Case"));
  });
});

describe("re-create", () => {
  it("answers 200 for an existing group and starts a new run, keeping the last state as previousState", async () => {
    arm.emulator.putGroup(sub, rg, "recreate", jobGroup([{ name: "RUN", value: "1" }]), { terminated: true });
    const before = await arm.client.containerGroups.get(rg, "recreate");
    expect(before.instanceView?.state).toBe("Succeeded");
    const response = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("recreate")}?api-version=2023-05-01`, jobGroup([{ name: "RUN", value: "2" }]));
    expect(response.status).toBe(200);
    expect(response.headers["azure-asyncoperation"]).toBeDefined();
    const during = await arm.client.containerGroups.get(rg, "recreate");
    expect(during.containers[0]?.instanceView?.previousState).toEqual(before.containers[0]?.instanceView?.currentState);
    const after = await eventually(() => arm.client.containerGroups.get(rg, "recreate"), (g) => g.instanceView?.state === "Succeeded");
    expect(after.containers[0]?.environmentVariables).toEqual([{ name: "RUN", value: "2" }]);
  });

  it("stores exactly the last PUT body, so properties left out revert", async () => {
    arm.emulator.putGroup(sub, rg, "revert", jobGroup(), { terminated: true });
    const withTags = { ...jobGroup(), tags: { team: "a" } };
    await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("revert")}?api-version=2023-05-01`, withTags);
    await eventually(() => arm.client.containerGroups.get(rg, "revert"), (g) => g.provisioningState === "Succeeded");
    await arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "revert", jobGroupModel(), fastPolling);
    const group = await arm.client.containerGroups.get(rg, "revert");
    expect(group.tags).toBeUndefined();
    expect(arm.emulator.getStoredGroup(sub, rg, "revert")).not.toHaveProperty("tags");
  });
});

describe("update (PATCH)", () => {
  it("changes only the tags, synchronously, with 200 and the full group", async () => {
    arm.emulator.putGroup(sub, rg, "patch", jobGroup(), { terminated: true });
    const updated = await arm.client.containerGroups.update(rg, "patch", { tags: { env: "test" } });
    expect(updated.tags).toEqual({ env: "test" });
    expect(updated.containers[0]?.name).toBe("job");
    expect(arm.emulator.requests.at(-1)).toMatchObject({ method: "PATCH", status: 200 });
  });
});

describe("stop, start and restart", () => {
  it("stops a running group synchronously (204): the group reads Stopped and its containers are killed", async () => {
    arm.emulator.putGroup(sub, rg, "stop", jobGroup([{ name: "EMULATOR_RUN_MS", value: "60000" }]));
    await eventually(() => arm.client.containerGroups.get(rg, "stop"), (g) => g.instanceView?.state === "Running");
    await arm.client.containerGroups.stop(rg, "stop");
    expect(arm.emulator.requests.at(-1)).toMatchObject({ method: "POST", status: 204 });
    const group = await arm.client.containerGroups.get(rg, "stop");
    expect(group.instanceView?.state).toBe("Stopped");
    expect(group.provisioningState).toBe("Succeeded");
    expect(group.containers[0]?.instanceView?.currentState).toMatchObject({ state: "Terminated", exitCode: 137, detailStatus: "Killed" });
  });

  it("leaves a finished group as it is when stopped", async () => {
    arm.emulator.putGroup(sub, rg, "stop-done", jobGroup(), { terminated: true });
    await arm.client.containerGroups.stop(rg, "stop-done");
    expect((await arm.client.containerGroups.get(rg, "stop-done")).instanceView?.state).toBe("Succeeded");
  });

  it("starts a stopped group with 202 and an async operation, running it again", async () => {
    arm.emulator.putGroup(sub, rg, "start", jobGroup([{ name: "EMULATOR_RUN_MS", value: "60000" }]));
    await eventually(() => arm.client.containerGroups.get(rg, "start"), (g) => g.instanceView?.state === "Running");
    await arm.client.containerGroups.stop(rg, "start");
    await arm.client.containerGroups.beginStartAndWait(rg, "start", fastPolling);
    const start = arm.emulator.requests.find((r) => r.method === "POST" && r.path.endsWith("/start/start"));
    expect(start?.status).toBe(202);
    expect((await arm.client.containerGroups.get(rg, "start")).instanceView?.state).toBe("Running");
  });

  it("answers 204 to start when the group is already running", async () => {
    arm.emulator.putGroup(sub, rg, "start-running", jobGroup([{ name: "EMULATOR_RUN_MS", value: "60000" }]));
    await eventually(() => arm.client.containerGroups.get(rg, "start-running"), (g) => g.instanceView?.state === "Running");
    await arm.client.containerGroups.beginStartAndWait(rg, "start-running", fastPolling);
    expect(arm.emulator.requests.at(-1)).toMatchObject({ method: "POST", status: 204 });
  });

  it("restarts a group with 204 and a new run", async () => {
    arm.emulator.putGroup(sub, rg, "restart", jobGroup(), { terminated: true });
    const before = await arm.client.containerGroups.get(rg, "restart");
    expect(before.containers[0]?.instanceView?.previousState).toBeUndefined();
    await arm.client.containerGroups.beginRestartAndWait(rg, "restart", fastPolling);
    expect(arm.emulator.requests.at(-1)).toMatchObject({ method: "POST", status: 204 });
    const after = await arm.client.containerGroups.get(rg, "restart");
    expect(after.containers[0]?.instanceView?.previousState).toEqual(before.containers[0]?.instanceView?.currentState);
  });
});

describe("delete", () => {
  it("deletes a group with 200 and its body, after which it is gone", async () => {
    arm.emulator.putGroup(sub, rg, "delete", jobGroup(), { terminated: true });
    await arm.client.containerGroups.beginDeleteAndWait(rg, "delete", fastPolling);
    expect(arm.emulator.requests.at(-1)).toMatchObject({ method: "DELETE", status: 200 });
    await expect(arm.client.containerGroups.get(rg, "delete")).rejects.toMatchObject({ statusCode: 404 });
    expect(arm.emulator.getStoredGroup(sub, rg, "delete")).toBeUndefined();
  });

  it("answers 204 when deleting a group that does not exist", async () => {
    await arm.client.containerGroups.beginDeleteAndWait(rg, "never-was", fastPolling);
    expect(arm.emulator.requests.at(-1)).toMatchObject({ method: "DELETE", status: 204 });
  });
});

describe("list", () => {
  it("lists by resource group and by subscription, without the group-level instanceView", async () => {
    arm.emulator.putGroup(sub, "rg-list-a", "one", jobGroup(), { terminated: true });
    arm.emulator.putGroup(sub, "rg-list-b", "two", jobGroup(), { terminated: true });
    const inA = [];
    for await (const group of arm.client.containerGroups.listByResourceGroup("rg-list-a")) inA.push(group);
    expect(inA.map((g) => g.name)).toEqual(["one"]);
    const all = [];
    for await (const group of arm.client.containerGroups.list()) all.push(group.name);
    expect(all).toEqual(expect.arrayContaining(["one", "two"]));
    const raw = await rawArm(arm.client, arm.emulator, "GET", `/subscriptions/${sub}/resourceGroups/rg-list-a/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01`);
    expect(raw.body.value[0].properties).not.toHaveProperty("instanceView");
    expect(raw.body.value[0].properties.provisioningState).toBe("Succeeded");
  });

  it("pages with nextLink beyond 100 groups, which the SDK follows", async () => {
    for (let i = 0; i < 105; i++) arm.emulator.putGroup(sub, "rg-paged", `g-${String(i).padStart(3, "0")}`, jobGroup(), { terminated: true });
    const names = [];
    for await (const group of arm.client.containerGroups.listByResourceGroup("rg-paged")) names.push(group.name);
    expect(names).toHaveLength(105);
    const lists = arm.emulator.requests.filter((r) => r.path.endsWith("/rg-paged/providers/Microsoft.ContainerInstance/containerGroups"));
    expect(lists).toHaveLength(2);
  });
});
