import { describe, expect, it } from "vitest";
import {
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

const put = (name: string, body: unknown, query = "?api-version=2023-05-01") => rawArm(arm.client, arm.emulator, "PUT", `${groupPath(name)}${query}`, body);

/** A job group with its one container's properties changed by `edit`. */
function editContainer(edit: (properties: Record<string, any>) => void, extra: Record<string, unknown> = {}) {
  const body = jobGroup([], extra) as any;
  edit(body.properties.containers[0].properties);
  return body;
}

describe("PUT validation", () => {
  it("refuses a secure env var with neither value nor secureValue, with ACI's exact message", async () => {
    const response = await put("v-env", jobGroup([{ name: "TOKEN" }]));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: {
        code: "InvalidEnvironmentVariable",
        message:
          "The environment variable 'TOKEN' in container 'job' of container group 'v-env' is invalid. One and only one property of 'value' and 'secureValue' can be specified in an environment variable.",
      },
    });
  });

  it("refuses an env var with both value and secureValue, also in init containers, through the SDK", async () => {
    await expect(
      arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "v-env-both", jobGroupModel([{ name: "X", value: "a", secureValue: "b" }]), fastPolling),
    ).rejects.toMatchObject({ statusCode: 400, code: "InvalidEnvironmentVariable" });
    const init = { name: "init", properties: { image: "busybox", environmentVariables: [{ name: "Y" }] } };
    expect((await put("v-env-init", jobGroup([], { initContainers: [init] }))).body.error.message).toContain("'Y' in container 'init'");
  });

  it.each(["1ABC", "A-B", "A B", "A\nB", ""])("refuses the env var name %j", async (name) => {
    const response = await put("v-env-name", jobGroup([{ name, value: "x" }]));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("InvalidEnvironmentVariable");
    expect(response.body.error.message).toContain("must start with alphabetic character or '_'");
  });

  it("accepts env names of letters, digits and underscores not starting with a digit", async () => {
    expect((await put("v-env-ok", jobGroup([{ name: "_a1", value: "x" }, { name: "B_2", secureValue: "y" }]))).status).toBe(201);
  });

  it.each([
    ["containers", (b: any) => delete b.properties.containers],
    ["osType", (b: any) => delete b.properties.osType],
    ["image", (b: any) => delete b.properties.containers[0].properties.image],
    ["properties", (b: any) => delete b.properties],
  ])("refuses a body without %s with 400 InvalidRequestContent", async (field, edit) => {
    const body = jobGroup();
    edit(body);
    const response = await put("v-missing", body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "InvalidRequestContent", message: expect.stringContaining(`'${field}'`) });
  });

  it.each(["cpu", "memoryInGB"])("refuses a container without requests.%s", async (field) => {
    const response = await put("v-requests", editContainer((p) => delete p.resources.requests[field]));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("ResourceRequestsNotSpecified");
  });

  it("refuses an unknown osType", async () => {
    const response = await put("v-os", jobGroup([], { osType: "Mac" }));
    expect(response.body.error).toMatchObject({ code: "InvalidOsType", message: expect.stringContaining("'Windows,Linux'") });
  });

  it("refuses a body without location", async () => {
    const body = jobGroup();
    delete body.location;
    expect((await put("v-location", body)).body.error.code).toBe("LocationRequired");
  });

  it("refuses a PUT without a body, and one whose body is not JSON, with 400 InvalidRequestContent", async () => {
    const empty = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("v-json")}?api-version=2023-05-01`);
    expect(empty.body.error.code).toBe("InvalidRequestContent");
    const malformed = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("v-json")}?api-version=2023-05-01`, { rawText: "{not json" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("InvalidRequestContent");
  });

  it("refuses a registry credential with a username but neither password nor identity as InaccessibleImage", async () => {
    const credentials = [{ server: "registry.example", username: "puller" }];
    const response = await put("v-registry", jobGroup([], { imageRegistryCredentials: credentials }));
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      code: "InaccessibleImage",
      message: "The image 'registry.example/job:1' in container group 'v-registry' is not accessible. Please check the image and registry credential.",
    });
    expect((await put("v-registry-id", jobGroup([], { imageRegistryCredentials: [{ ...credentials[0], identity: "/id" }] }))).status).toBe(201);
    expect((await put("v-registry-pw", jobGroup([], { imageRegistryCredentials: [{ ...credentials[0], password: "p" }] }))).status).toBe(201);
  });

  it("refuses Log Analytics diagnostics without workspaceKey", async () => {
    const response = await put("v-logs", jobGroup([], { diagnostics: { logAnalytics: { workspaceId: "ws" } } }));
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain("'workspaceKey'");
  });

  it("refuses an Azure Files volume without storageAccountKey", async () => {
    const response = await put("v-share", jobGroup([], { volumes: [{ name: "v", azureFile: { shareName: "s", storageAccountName: "a" } }] }));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("InvalidStorageAccountKey");
  });

  it("ignores read-only fields sent in the body", async () => {
    const body = jobGroup([], { provisioningState: "Failed", instanceView: { state: "Failed" }, ipAddress: { type: "Public", ports: [{ port: 80 }], fqdn: "x.example", dnsNameLabel: "lbl" } }) as any;
    Object.assign(body, { id: "/bogus", name: "bogus", type: "bogus", identity: { type: "SystemAssigned", principalId: "p", tenantId: "t" } });
    body.properties.containers[0].properties.instanceView = { restartCount: 99 };
    const response = await put("v-readonly", body);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ id: groupPath("v-readonly"), name: "v-readonly", type: "Microsoft.ContainerInstance/containerGroups" });
    expect(response.body.identity.principalId).not.toBe("p");
    expect(response.body.properties.ipAddress.fqdn).toBe("lbl.westeurope.azurecontainer.io");
    expect(response.body.properties.ipAddress).not.toHaveProperty("ip");
    expect(response.body.properties.provisioningState).toBe("Pending");
    expect(response.body.properties.containers[0].properties).not.toHaveProperty("instanceView");
    const read = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("v-readonly")}?api-version=2023-05-01`);
    expect(read.body.properties.containers[0].properties.instanceView.restartCount).toBe(0);
    expect(read.body.properties.ipAddress.ip).toEqual(expect.any(String));
    const stored = arm.emulator.getStoredGroup(sub, rg, "v-readonly") as any;
    expect(stored).not.toHaveProperty("id");
    expect(stored.properties).not.toHaveProperty("provisioningState");
    expect(stored.properties).not.toHaveProperty("instanceView");
    expect(stored.identity).toEqual({ type: "SystemAssigned" });
  });

  it("refuses the provisioning timeout fields a GET shows with 400 CustomProvisioningTimeoutInSecondsNotSuppported", async () => {
    for (const [field, value] of [["provisioningTimeoutInSeconds", 1800], ["isCustomProvisioningTimeout", false]] as const) {
      const response = await put("v-timeout", jobGroup([], { [field]: value }));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("CustomProvisioningTimeoutInSecondsNotSuppported");
      expect(response.body.error.message).toContain(field);
    }
    expect(arm.emulator.getStoredGroup(sub, rg, "v-timeout")).toBeUndefined();
  });

  it("makes putGroup throw on a body ARM would refuse", () => {
    expect(() => arm.emulator.putGroup(sub, rg, "v-seed", jobGroup([{ name: "X" }]))).toThrow(/InvalidEnvironmentVariable/);
  });
});

describe("updates ACI cannot make in place", () => {
  const refused = { statusCode: 400, code: "InvalidContainerGroupUpdate" };

  it.each([
    ["the OS type", jobGroup([], { osType: "Windows" })],
    ["the restart policy", jobGroup([], { restartPolicy: "Always" })],
    ["the CPU", editContainer((p) => (p.resources.requests.cpu = 2))],
    ["the memory", editContainer((p) => (p.resources.requests.memoryInGB = 4))],
    ["the GPU", editContainer((p) => (p.resources.requests.gpu = { count: 1, sku: "V100" }))],
  ])("refuses a PUT that changes %s of an existing group", async (_what, body) => {
    arm.emulator.putGroup(sub, rg, "immutable", jobGroup(), { terminated: true });
    const response = await put("immutable", body);
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      code: "InvalidContainerGroupUpdate",
      message:
        "The updates on container group 'immutable' are invalid. If you are going to update the os type, restart policy, network profile, CPU, memory or GPU resources for a container group, you must delete it first and then create a new one.",
    });
  });

  it("treats a left-out restart policy as Always when comparing", async () => {
    arm.emulator.putGroup(sub, rg, "immutable-default", jobGroup(), { terminated: true });
    const body = jobGroup();
    delete (body.properties as Record<string, unknown>).restartPolicy;
    await expect(arm.client.containerGroups.beginCreateOrUpdate(rg, "immutable-default", { ...jobGroupModel(), restartPolicy: undefined })).rejects.toMatchObject(refused);
    expect((await put("immutable-default", body)).status).toBe(400);
  });

  it("accepts a PUT that changes env, image and command", async () => {
    arm.emulator.putGroup(sub, rg, "mutable", jobGroup(), { terminated: true });
    const response = await put("mutable", editContainer((p) => Object.assign(p, { image: "other:2", command: ["x"], environmentVariables: [{ name: "A", value: "b" }] })));
    expect(response.status).toBe(200);
  });
});

describe("api-version", () => {
  it("refuses a request without api-version with 400 MissingApiVersionParameter", async () => {
    arm.emulator.putGroup(sub, rg, "versions", jobGroup(), { terminated: true });
    const response = await rawArm(arm.client, arm.emulator, "GET", groupPath("versions"));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("MissingApiVersionParameter");
  });

  it("refuses an api-version it does not serve with ARM's gateway answer, 400 NoRegisteredProviderFound", async () => {
    const response = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("versions")}?api-version=2030-01-01`);
    expect(response.status).toBe(400);
    expect(response.headers["x-ms-failure-cause"]).toBe("gateway");
    expect(response.body.error).toEqual({
      code: "NoRegisteredProviderFound",
      message:
        "No registered resource provider found for location 'westeurope' and API version '2030-01-01' for type 'containerGroups'. " +
        "The supported api-versions are '2023-05-01, 2025-09-01, 2024-05-01-preview'. The supported locations are 'westeurope'.",
    });
  });
});
