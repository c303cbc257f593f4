import { describe, expect, it } from "vitest";
import { eventually, groupPath, rawArm, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";

const arm = useArmEmulator();

const secretValues = ["env-secret", "init-secret", "registry-password", "workspace-key", "/subscriptions/x/workspaces/w", "account-key", "c2VjcmV0", "protected-thing"];

function fullGroup(): Record<string, unknown> {
  return {
    location: "westeurope",
    properties: {
      osType: "Linux",
      restartPolicy: "Never",
      containers: [
        {
          name: "job",
          properties: {
            image: "registry.example/job:1",
            environmentVariables: [
              { name: "PLAIN", value: "shown" },
              { name: "SECRET", secureValue: "env-secret" },
            ],
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
          },
        },
      ],
      initContainers: [{ name: "init", properties: { image: "busybox", environmentVariables: [{ name: "INIT_SECRET", secureValue: "init-secret" }] } }],
      imageRegistryCredentials: [{ server: "registry.example", username: "puller", password: "registry-password" }],
      diagnostics: {
        logAnalytics: { workspaceId: "ws-id", workspaceKey: "workspace-key", workspaceResourceId: "/subscriptions/x/workspaces/w", logType: "ContainerInsights", metadata: { a: "b" } },
      },
      volumes: [
        { name: "share", azureFile: { shareName: "s", storageAccountName: "acct", storageAccountKey: "account-key" } },
        { name: "secrets", secret: { "key.txt": "c2VjcmV0" } },
      ],
      extensions: [{ name: "ext", properties: { extensionType: "kube-proxy", version: "1.0", settings: { a: 1 }, protectedSettings: { p: "protected-thing" } } }],
    },
  };
}

describe("values GET never returns", () => {
  it("withholds every secret in the GET body, as ARM does", async () => {
    await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("secrets")}?api-version=2023-05-01`, fullGroup());
    const { body } = await eventually(
      () => rawArm(arm.client, arm.emulator, "GET", `${groupPath("secrets")}?api-version=2023-05-01`),
      (r) => r.body.properties.provisioningState === "Succeeded",
    );
    const p = body.properties;
    expect(p.containers[0].properties.environmentVariables).toEqual([{ name: "PLAIN", value: "shown" }, { name: "SECRET" }]);
    expect(p.initContainers[0].properties.environmentVariables).toEqual([{ name: "INIT_SECRET" }]);
    expect(p.imageRegistryCredentials).toEqual([{ server: "registry.example", username: "puller" }]);
    expect(p.diagnostics).toEqual({ logAnalytics: { workspaceId: "ws-id" } });
    expect(p.volumes).toEqual([
      { name: "share", azureFile: { shareName: "s", storageAccountName: "acct" } },
      { name: "secrets", secret: {} },
    ]);
    expect(p.extensions[0].properties).toEqual({ extensionType: "kube-proxy", version: "1.0", settings: { a: 1 } });
    const text = JSON.stringify(body);
    for (const value of secretValues) expect(text).not.toContain(value);
  });

  it("withholds them from the PUT answer and from list items too", async () => {
    arm.emulator.putGroup(sub, rg, "secrets-list", fullGroup());
    const put = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("secrets-put")}?api-version=2023-05-01`, fullGroup());
    const list = await rawArm(arm.client, arm.emulator, "GET", `/subscriptions/${sub}/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01`);
    for (const value of secretValues) {
      expect(JSON.stringify(put.body)).not.toContain(value);
      expect(JSON.stringify(list.body)).not.toContain(value);
    }
  });

  it("keeps the secrets server-side, where getStoredGroup shows them", () => {
    arm.emulator.putGroup(sub, rg, "secrets-kept", fullGroup());
    expect(arm.emulator.getStoredGroup(sub, rg, "secrets-kept")).toEqual(fullGroup());
  });

  it("returns a secure env var through the SDK with neither value nor secureValue", async () => {
    arm.emulator.putGroup(sub, rg, "secrets-sdk", fullGroup());
    const group = await arm.client.containerGroups.get(rg, "secrets-sdk");
    expect(group.containers[0]?.environmentVariables?.[1]).toEqual({ name: "SECRET" });
  });

  it("fills environmentVariables, ports and initContainers with [] but leaves out a command and registry credentials the PUT left out", async () => {
    const bare = {
      location: "westeurope",
      properties: { osType: "Linux", containers: [{ name: "c", properties: { image: "busybox", resources: { requests: { cpu: 1, memoryInGB: 1 } } } }] },
    };
    arm.emulator.putGroup(sub, rg, "bare", bare);
    const { body } = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("bare")}?api-version=2023-05-01`);
    expect(body.properties.containers[0].properties).not.toHaveProperty("command");
    expect(body.properties.containers[0].properties.environmentVariables).toEqual([]);
    expect(body.properties.containers[0].properties.ports).toEqual([]);
    expect(body.properties.initContainers).toEqual([]);
    expect(body.properties).not.toHaveProperty("imageRegistryCredentials");
  });
});
