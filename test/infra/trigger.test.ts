import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { configNames, secretConfigNames } from "../../service/config-names.js";
import type { AciHttpTrigger as Trigger, AciHttpTriggerArgs } from "../../infra/trigger.js";
import {
  appFqdn,
  installMocks,
  isSecretInput,
  resource,
  reveal,
  subscriptionId,
  valueOf,
  workspaceKey,
  type RegisteredResource,
} from "./pulumi-mocks.js";

let registered: Map<string, RegisteredResource>;
let AciHttpTrigger: typeof Trigger;

beforeAll(async () => {
  registered = await installMocks();
  // The documented order: mocks first, then the program's modules.
  ({ AciHttpTrigger } = await import("../../infra/trigger.js"));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const readyImageArgs: AciHttpTriggerArgs = {
  image: "registry.example/jobs/report:1.4",
  command: ["python", "job.py"],
  cpu: 2,
  memoryInGB: 4,
  environment: { MODE: "nightly" },
  secureEnvironment: pulumi.secret({ DB_PASSWORD: "hunter2" }),
  serviceImage: "registry.example/aci-http-trigger:1.0.0",
  apiKeys: pulumi.secret("key-one,key-two"),
};

/** Builds one component and waits until the mock engine has registered all of its children. */
async function deploy(name: string, args: AciHttpTriggerArgs = readyImageArgs): Promise<Trigger> {
  const trigger = new AciHttpTrigger(name, args);
  await valueOf(trigger.url);
  await valueOf(trigger.apiKey);
  return trigger;
}

function serviceEnv(name: string): { name: string; value?: string; secretRef?: string }[] {
  return reveal(resource(registered, `${name}-service`).inputs.template.containers[0].env);
}

describe("the least-privilege role", () => {
  it("allows exactly reading, writing, stopping the group and reading its logs, assignable only in the resource group", async () => {
    await deploy("role");
    const role = reveal(resource(registered, "role-role").inputs);
    const groupId = `/subscriptions/${subscriptionId}/resourceGroups/role-rg-1234`;
    expect(role.permissions).toEqual([
      {
        actions: [
          "Microsoft.ContainerInstance/containerGroups/read",
          "Microsoft.ContainerInstance/containerGroups/write",
          "Microsoft.ContainerInstance/containerGroups/stop/action",
          "Microsoft.ContainerInstance/containerGroups/containers/logs/read",
        ],
        notActions: [],
      },
    ]);
    expect(role.assignableScopes).toEqual([groupId]);
    expect(role.scope).toBe(groupId);
    expect(role.roleName).toContain("aci-http-trigger/dev/role");
    expect(role.roleDefinitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("is assigned to the identity's principal as a ServicePrincipal on the container group's id only", async () => {
    const trigger = await deploy("assign");
    const assignment = reveal(resource(registered, "assign-group-operator").inputs);
    expect(assignment.scope).toBe(await valueOf(trigger.containerGroupId));
    expect(assignment.scope).toMatch(/\/providers\/Microsoft\.ContainerInstance\/containerGroups\/assign-group-abcd$/);
    expect(assignment.principalId).toBe("identity-principal-id");
    expect(assignment.principalType).toBe("ServicePrincipal");
    const roleGuid = reveal(resource(registered, "assign-role").inputs).roleDefinitionId;
    expect(assignment.roleDefinitionId).toBe(`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`);
    const assignments = [...registered.values()].filter((r) => r.name.startsWith("assign-") && r.type === "azure-native:authorization:RoleAssignment");
    expect(assignments.map((r) => r.name)).toEqual(["assign-group-operator"]);
  });
});

describe("the worker container group", () => {
  it("runs the configured image once, on Linux, without a public IP, logging to the workspace", async () => {
    await deploy("worker");
    const group = reveal(resource(registered, "worker-group").inputs);
    expect(group.restartPolicy).toBe("Never");
    expect(group.osType).toBe("Linux");
    expect(group.ipAddress).toBeUndefined();
    expect(group.containers).toHaveLength(1);
    expect(group.containers[0]).toMatchObject({
      name: "worker",
      image: "registry.example/jobs/report:1.4",
      command: ["python", "job.py"],
      resources: { requests: { cpu: 2, memoryInGB: 4 } },
      environmentVariables: [
        { name: "MODE", value: "nightly" },
        { name: "DB_PASSWORD", secureValue: "hunter2" },
      ],
    });
    expect(group.diagnostics).toEqual({ logAnalytics: { workspaceId: "workspace-customer-id", workspaceKey } });
  });

  it("keeps the secure env and the workspace key secret in its inputs", async () => {
    await deploy("worker-secrets");
    const group = resource(registered, "worker-secrets-group").inputs;
    // The SDK marks the whole top-level property that holds a secret, so state encrypts all of it.
    expect(isSecretInput(group.containers)).toBe(true);
    expect(isSecretInput(group.diagnostics)).toBe(true);
  });

  it("tells the engine to ignore the env and tags the service rewrites on every run", async () => {
    await deploy("drift");
    expect(resource(registered, "drift-group").ignoreChanges).toEqual(["containers[*].environmentVariables", "tags"]);
  });
});

describe("the trigger service's Container App", () => {
  it("runs under the user-assigned identity and is told that identity's client id and the group's coordinates", async () => {
    const trigger = await deploy("app");
    const app = reveal(resource(registered, "app-service").inputs);
    expect(app.identity).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: [`/subscriptions/${subscriptionId}/resourceGroups/app-rg-1234/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-identity`],
    });
    const env = Object.fromEntries(serviceEnv("app").map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      [configNames.clientId]: "identity-client-id",
      [configNames.subscriptionId]: subscriptionId,
      [configNames.resourceGroup]: "app-rg-1234",
      [configNames.containerGroup]: await valueOf(trigger.containerGroupName),
      [configNames.container]: "worker",
      [configNames.port]: "8080",
      [configNames.armEndpoint]: "https://management.azure.com",
    });
  });

  it("keeps the API keys and ACI secrets in Container App secrets, referenced by secretRef and never as plain env values", async () => {
    await deploy("secrets");
    const inputs = resource(registered, "secrets-service").inputs;
    expect(isSecretInput(inputs.configuration)).toBe(true);
    const secrets = reveal(inputs.configuration).secrets as { name: string; value: unknown }[];
    expect(secrets.map((s) => s.name)).toEqual(["trigger-api-keys", "aci-secrets"]);
    const env = serviceEnv("secrets");
    for (const name of secretConfigNames) {
      expect(env.find((e) => e.name === name)).toEqual({ name, secretRef: name.toLowerCase().replaceAll("_", "-") });
    }
    const plainValues = JSON.stringify(env.map((e) => e.value ?? ""));
    expect(plainValues).not.toContain("key-one");
    expect(plainValues).not.toContain("hunter2");
    expect(plainValues).not.toContain(workspaceKey);
  });

  it("gives ACI_SECRETS the worker's secure env and the workspace key, so every re-create can restore them", async () => {
    await deploy("restore");
    const secrets = reveal(resource(registered, "restore-service").inputs.configuration).secrets as { name: string; value: string }[];
    const document = JSON.parse(secrets.find((s) => s.name === "aci-secrets")!.value);
    expect(document).toEqual({ env: { worker: { DB_PASSWORD: "hunter2" } }, logAnalyticsWorkspaceKey: workspaceKey });
    expect(secrets.find((s) => s.name === "trigger-api-keys")!.value).toBe("key-one,key-two");
  });

  it("serves HTTPS only on external ingress to port 8080, probes /healthz and /readyz, and scales to one replica at most", async () => {
    await deploy("ingress");
    const app = reveal(resource(registered, "ingress-service").inputs);
    expect(app.configuration.ingress).toMatchObject({ external: true, allowInsecure: false, targetPort: 8080 });
    expect(app.template.containers[0].probes).toEqual([
      expect.objectContaining({ type: "Liveness", httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" } }),
      expect.objectContaining({ type: "Readiness", httpGet: { path: "/readyz", port: 8080, scheme: "HTTP" } }),
    ]);
    expect(app.template.scale).toEqual({ minReplicas: 0, maxReplicas: 1 });
  });

  it("starts only after the identity holds its role on the group", async () => {
    await deploy("order");
    const dependencies = resource(registered, "order-service").dependencies;
    expect(dependencies.some((urn) => urn.endsWith("::order-group-operator"))).toBe(true);
  });

  it("exposes the https URL, the runs URL and the first key as a secret", async () => {
    const trigger = await deploy("outputs");
    expect(await valueOf(trigger.url)).toBe(`https://${appFqdn}`);
    expect(await valueOf(trigger.runsUrl)).toBe(`https://${appFqdn}/runs`);
    expect(await valueOf(trigger.apiKey)).toBe("key-one");
    expect(await pulumi.isSecret(trigger.apiKey)).toBe(true);
  });
});

describe("the service image", () => {
  it("uses a ready image as given, with no registry, no build and no AcrPull", async () => {
    const trigger = await deploy("ready");
    expect(reveal(resource(registered, "ready-service").inputs).template.containers[0].image).toBe("registry.example/aci-http-trigger:1.0.0");
    const types = [...registered.values()].filter((r) => r.name.startsWith("ready-")).map((r) => r.type);
    expect(types).not.toContain("azure-native:containerregistry:Registry");
    expect(types).not.toContain("docker-build:index:Image");
    expect(registered.has("ready-acr-pull")).toBe(false);
    expect(reveal(resource(registered, "ready-service").inputs).configuration.registries).toBeUndefined();
    expect(trigger.registryLoginServer).toBeUndefined();
  });

  it("builds the repository's Dockerfile, pushes it to a registry without admin user, and lets only the identity pull it", async () => {
    const exchange = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => Response.json({ refresh_token: "acr-refresh-token" }));
    vi.stubGlobal("fetch", exchange);
    const { serviceImage: _ready, ...rest } = readyImageArgs;
    const trigger = await deploy("build", { ...rest, serviceBuild: { context: "." } });

    const registry = reveal(resource(registered, "build-registry").inputs);
    expect(registry.adminUserEnabled).toBe(false);
    expect(registry.registryName).toMatch(/^acitrigger[0-9a-f]{20}$/);
    const loginServer = await valueOf(trigger.registryLoginServer!);
    expect(loginServer).toBe(`${registry.registryName}.azurecr.io`);

    const acrPull = reveal(resource(registered, "build-acr-pull").inputs);
    expect(acrPull).toMatchObject({
      scope: expect.stringMatching(/\/registries\/acitrigger[0-9a-f]{20}$/),
      principalId: "identity-principal-id",
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
    });

    const image = resource(registered, "build-service-image").inputs;
    expect(reveal(image)).toMatchObject({
      context: { location: "." },
      dockerfile: { location: "./Dockerfile" },
      push: true,
      platforms: ["linux/amd64"],
      tags: [`${loginServer}/aci-http-trigger:dev`],
      registries: [{ address: loginServer, username: "00000000-0000-0000-0000-000000000000", password: "acr-refresh-token" }],
    });
    expect(isSecretInput(image.registries)).toBe(true);
    expect(String(exchange.mock.calls[0]![0])).toBe(`https://${loginServer}/oauth2/exchange`);

    const app = resource(registered, "build-service");
    expect(reveal(app.inputs).template.containers[0].image).toBe(`${loginServer}/aci-http-trigger:dev@sha256:0123abcd`);
    expect(reveal(app.inputs).configuration.registries).toEqual([
      { server: loginServer, identity: expect.stringMatching(/userAssignedIdentities\/build-identity$/) },
    ]);
    expect(app.dependencies.some((urn) => urn.endsWith("::build-acr-pull"))).toBe(true);
  });
});

describe("API keys", () => {
  it("generates a long alphanumeric key when none is configured and keeps it secret", async () => {
    const { apiKeys: _keys, ...rest } = readyImageArgs;
    const trigger = await deploy("generated", rest);
    expect(reveal(resource(registered, "generated-api-key").inputs)).toMatchObject({ length: 48, special: false });
    expect(await valueOf(trigger.apiKey)).toBe("GeneratedKey0123456789abcdefghijklmnopqrstuvwxyzAB");
    expect(await pulumi.isSecret(trigger.apiKey)).toBe(true);
  });
});

describe("resource group", () => {
  it("deploys into a named existing group and creates none", async () => {
    const trigger = await deploy("existing", { ...readyImageArgs, resourceGroupName: "shared-rg" });
    expect(registered.has("existing-rg")).toBe(false);
    expect(await valueOf(trigger.resourceGroupName)).toBe("shared-rg");
    const group = reveal(resource(registered, "existing-group").inputs);
    expect(group).toMatchObject({ resourceGroupName: "shared-rg", location: "northeurope" });
    expect(reveal(resource(registered, "existing-role").inputs).assignableScopes).toEqual([
      `/subscriptions/${subscriptionId}/resourceGroups/shared-rg`,
    ]);
  });
});

describe("argument validation", () => {
  it("refuses bad arguments before creating any child, naming each key", () => {
    const before = registered.size;
    expect(() => new AciHttpTrigger("invalid", { ...readyImageArgs, image: "", cpu: 0, environment: { "1BAD": "x" } })).toThrow(
      [
        `Missing "image": the worker's container image is required (pulumi config set image <ref>).`,
        `Invalid "cpu": must be a positive number of cores, got 0.`,
        `Invalid "environment": "1BAD" is not a valid environment variable name (letters, digits and _, not starting with a digit).`,
      ].join("\n"),
    );
    expect([...registered.keys()].filter((key) => key.startsWith("invalid-"))).toEqual([]);
    expect(registered.size).toBe(before);
  });
});
