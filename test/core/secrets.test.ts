import { describe, expect, it } from "vitest";
import type { WireContainerGroup } from "../../service/core/arm-types.js";
import { aciSecretsSchema, describeMissingSecret, type MissingSecret, missingSecrets } from "../../service/core/secrets.js";

/** A group as GET shows it, with one of every kind of withheld secret. */
function asRead(): WireContainerGroup {
  return {
    properties: {
      osType: "Linux",
      initContainers: [{ name: "init", properties: { image: "i", resources: { requests: { cpu: 1, memoryInGB: 1 } }, environmentVariables: [{ name: "SEED" }] } }],
      containers: [
        {
          name: "app",
          properties: {
            image: "a",
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
            environmentVariables: [{ name: "PLAIN", value: "" }, { name: "TOKEN" }],
          },
        },
      ],
      imageRegistryCredentials: [
        { server: "private.example.io", username: "u" },
        { server: "private.example.io", username: "u2" },
        { server: "acr.example.io", identity: "/subscriptions/s/identity" },
      ],
      diagnostics: { logAnalytics: { workspaceId: "w" } },
      volumes: [
        { name: "files", azureFile: { shareName: "s", storageAccountName: "a" } },
        { name: "certs", secret: {} },
        { name: "scratch", emptyDir: {} },
      ],
      extensions: [{ name: "proxy", properties: { extensionType: "kube-proxy", version: "1.0" } }],
    },
  };
}

const everyKind: MissingSecret[] = [
  { kind: "secureEnv", container: "init", name: "SEED" },
  { kind: "secureEnv", container: "app", name: "TOKEN" },
  { kind: "registryPassword", server: "private.example.io" },
  { kind: "logAnalyticsWorkspaceKey" },
  { kind: "azureFileKey", volume: "files" },
  { kind: "secretVolume", volume: "certs" },
  { kind: "extensionProtectedSettings", extension: "proxy" },
];

describe("missingSecrets", () => {
  it("lists every withheld secret in definition order, each registry server once, none for identity pulls", () => {
    expect(missingSecrets(asRead(), {})).toStrictEqual(everyKind);
  });

  it("finds nothing missing once each is configured, with {} saying an extension has no protected settings", () => {
    expect(
      missingSecrets(asRead(), {
        env: { init: { SEED: "s" }, app: { TOKEN: "t" } },
        registryPasswords: { "private.example.io": "p" },
        logAnalyticsWorkspaceKey: "k",
        azureFileKeys: { files: "k" },
        secretVolumes: { certs: { "tls.crt": "Y2VydA==" } },
        extensionProtectedSettings: { proxy: {} },
      }),
    ).toStrictEqual([]);
  });

  it("does not take a secure value configured for another container", () => {
    expect(missingSecrets(asRead(), { env: { app: { SEED: "s", TOKEN: "t" } } })).toContainEqual({ kind: "secureEnv", container: "init", name: "SEED" });
  });
});

describe("describeMissingSecret", () => {
  it("names each secret and where it belongs in ACI_SECRETS", () => {
    expect(everyKind.map(describeMissingSecret)).toStrictEqual([
      "secure environment variable SEED of container init (ACI_SECRETS env.init.SEED)",
      "secure environment variable TOKEN of container app (ACI_SECRETS env.app.TOKEN)",
      "password of image registry private.example.io (ACI_SECRETS registryPasswords)",
      "Log Analytics workspace key (ACI_SECRETS logAnalyticsWorkspaceKey)",
      "storage account key of Azure Files volume files (ACI_SECRETS azureFileKeys.files)",
      "contents of secret volume certs (ACI_SECRETS secretVolumes.certs)",
      "protected settings of extension proxy (ACI_SECRETS extensionProtectedSettings.proxy, {} if it has none)",
    ]);
  });
});

describe("aciSecretsSchema", () => {
  it("accepts an empty object and every part", () => {
    const all = {
      env: { app: { TOKEN: "t" } },
      registryPasswords: { "r.example.io": "p" },
      logAnalyticsWorkspaceKey: "k",
      logAnalyticsSettings: { logType: "ContainerInstanceLogs", metadata: { a: "b" }, workspaceResourceId: "/subscriptions/s/w" },
      azureFileKeys: { files: "k" },
      secretVolumes: { certs: { "tls.crt": "Y2VydA==", empty: "" } },
      extensionProtectedSettings: { proxy: { kubeConfig: "x" }, metrics: {} },
    };
    expect(aciSecretsSchema.parse({})).toStrictEqual({});
    expect(aciSecretsSchema.parse(all)).toStrictEqual(all);
  });

  it.each([
    [{ unknown: {} }, ""],
    [{ env: { app: { TOKEN: "" } } }, "env.app.TOKEN"],
    [{ env: { app: { TOKEN: 1 } } }, "env.app.TOKEN"],
    [{ registryPasswords: { r: "" } }, "registryPasswords.r"],
    [{ secretVolumes: { certs: { f: "not base64!" } } }, "secretVolumes.certs.f"],
    [{ extensionProtectedSettings: { proxy: "x" } }, "extensionProtectedSettings.proxy"],
    [{ logAnalyticsSettings: { logType: "Other" } }, "logAnalyticsSettings.logType"],
  ])("rejects %j at %s", (value, path) => {
    const result = aciSecretsSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toStrictEqual([path]);
  });
});
