import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { configNames, secretConfigNames } from "../../service/config-names.js";
import { readyImageArgs, useTriggerMocks } from "./deploy-trigger.js";
import { dependsOn, environmentDomain, insightsConnectionString, isSecretInput, resource, reveal, subscriptionId, valueOf, workspaceKey } from "./pulumi-mocks.js";

const { registered, deploy, inputsOf, serviceEnv } = useTriggerMocks();

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the least-privilege role", () => {
  it("allows exactly reading, writing, stopping the groups and reading their logs, assignable only in the resource group", async () => {
    await deploy("role");
    const role = inputsOf("role-role");
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
    expect(role.roleDefinitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("is named from its subscription and resource group too, so one stack name in two scopes of a tenant does not collide", async () => {
    await deploy("scoped");
    await deploy("scoped-elsewhere", { ...readyImageArgs, resourceGroupName: "shared-rg" });
    const here = inputsOf("scoped-role");
    expect(here.roleName).toBe(`ACI HTTP trigger operator (aci-http-trigger/dev/scoped in scoped-rg-1234, subscription ${subscriptionId})`);
    expect(inputsOf("scoped-elsewhere-role").roleName).toContain("in shared-rg, subscription");
  });

  it("is assigned only after it had time to exist everywhere, so the assignment cannot meet RoleDefinitionDoesNotExist", async () => {
    const trigger = await deploy("settle");
    const wait = inputsOf("settle-role-propagation");
    expect(resource(registered, "settle-role-propagation").type).toBe("time:index/sleep:Sleep");
    expect(wait).toEqual({ createDuration: "60s", triggers: { roleDefinitionId: await valueOf(trigger.roleDefinitionId) } });
    const assignment = resource(registered, "settle-group-operator-1");
    expect(dependsOn(assignment, "settle-role-propagation")).toBe(true);
    expect(inputsOf("settle-group-operator-1").roleDefinitionId).toBe(await valueOf(trigger.roleDefinitionId));
  });
});

describe("the trigger service's Container App", () => {
  it("runs under the user-assigned identity and is told that identity's client id, the group and the store", async () => {
    const trigger = await deploy("app");
    expect(inputsOf("app-service").identity).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: [`/subscriptions/${subscriptionId}/resourceGroups/app-rg-1234/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app-identity`],
    });
    const env = Object.fromEntries(serviceEnv("app").map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      [configNames.clientId]: "identity-client-id",
      [configNames.subscriptionId]: subscriptionId,
      [configNames.resourceGroup]: "app-rg-1234",
      [configNames.containerGroup]: (await valueOf(trigger.containerGroupNames))[0],
      [configNames.container]: "worker",
      [configNames.port]: "8080",
      [configNames.armEndpoint]: "https://management.azure.com",
      [configNames.storageAccount]: await valueOf(trigger.storageAccountName),
    });
  });

  it("keeps the API keys and ACI secrets in Container App secrets, referenced by secretRef and never as plain env values", async () => {
    await deploy("secrets");
    const inputs = resource(registered, "secrets-service").inputs;
    expect(isSecretInput(inputs.configuration)).toBe(true);
    const secrets = inputsOf("secrets-service").configuration.secrets as { name: string; value: unknown }[];
    expect(secrets.map((s) => s.name)).toEqual(["trigger-api-keys", "aci-secrets", "applicationinsights-connection-string"]);
    const env = serviceEnv("secrets");
    // The webhook's secret is deployed only with a webhook (its own test below).
    for (const name of secretConfigNames.filter((secretName) => secretName !== configNames.storageConnectionString && secretName !== configNames.webhookSecret)) {
      expect(env.find((e) => e.name === name)).toEqual({ name, secretRef: name.toLowerCase().replaceAll("_", "-") });
    }
    const plainValues = JSON.stringify(env.map((e) => e.value ?? ""));
    expect(plainValues).not.toContain("key-one");
    expect(plainValues).not.toContain("hunter2");
    expect(plainValues).not.toContain(workspaceKey);
    expect(plainValues).not.toContain(insightsConnectionString);
  });

  it("passes a webhook's URL plainly and its signing secret as a Container App secret", async () => {
    const secret = `whsec_${Buffer.alloc(24, 5).toString("base64")}`;
    await deploy("hooks", { ...readyImageArgs, webhook: { url: "https://hooks.example/trigger", secret } });
    const env = serviceEnv("hooks");
    expect(env.find((e) => e.name === configNames.webhookUrl)).toEqual({ name: configNames.webhookUrl, value: "https://hooks.example/trigger" });
    expect(env.find((e) => e.name === configNames.webhookSecret)).toEqual({ name: configNames.webhookSecret, secretRef: "trigger-webhook-secret" });
    const secrets = reveal(resource(registered, "hooks-service").inputs.configuration).secrets as { name: string; value: string }[];
    expect(secrets.find((s) => s.name === "trigger-webhook-secret")?.value).toBe(secret);
    expect(JSON.stringify(env.map((e) => e.value ?? ""))).not.toContain(secret);
  });

  it("makes an Application Insights resource on the workspace and hands its connection string to the service as a secret", async () => {
    await deploy("insights");
    const insights = resource(registered, "insights-insights");
    expect(reveal(insights.inputs)).toMatchObject({ kind: "web", ingestionMode: "LogAnalytics", workspaceResourceId: expect.stringContaining("/workspaces/insights-logs") });
    const secret = (resource(registered, "insights-service").inputs.configuration as any);
    const secrets = reveal(secret).secrets as { name: string; value: string }[];
    expect(secrets.find((s) => s.name === "applicationinsights-connection-string")?.value).toBe(insightsConnectionString);
    expect(serviceEnv("insights").find((e) => e.name === configNames.appInsightsConnectionString)).toEqual({
      name: configNames.appInsightsConnectionString,
      secretRef: "applicationinsights-connection-string",
    });
    expect(isSecretInput(secret)).toBe(true);
  });

  it("gives ACI_SECRETS the worker's secure env and the workspace key, so every re-create can restore them", async () => {
    await deploy("restore");
    const secrets = inputsOf("restore-service").configuration.secrets as { name: string; value: string }[];
    const document = JSON.parse(secrets.find((s) => s.name === "aci-secrets")!.value);
    expect(document).toEqual({ env: { worker: { DB_PASSWORD: "hunter2" } }, logAnalyticsWorkspaceKey: workspaceKey });
    expect(secrets.find((s) => s.name === "trigger-api-keys")!.value).toBe("key-one-0123456789,key-two-0123456789");
  });

  it("serves HTTPS only on external ingress to port 8080", async () => {
    await deploy("ingress");
    expect(inputsOf("ingress-service").configuration.ingress).toMatchObject({ external: true, allowInsecure: false, targetPort: 8080 });
  });

  it("keeps a replica live on /healthz and ready on /readyz, with a readiness timeout a store round trip fits in", async () => {
    await deploy("probes");
    const probes = inputsOf("probes-service").template.containers[0].probes as Record<string, any>[];
    const byType = Object.fromEntries(probes.map((probe) => [probe.type, probe]));
    expect(byType["Liveness"]).toMatchObject({ httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" } });
    expect(byType["Startup"]).toMatchObject({ httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" } });
    const readiness = byType["Readiness"]!;
    expect(readiness).toMatchObject({ httpGet: { path: "/readyz", port: 8080, scheme: "HTTP" } });
    // Container Apps' default timeout is 1 s: a slow store answer would take the only replica out.
    expect(readiness.timeoutSeconds).toBeGreaterThanOrEqual(5);
    expect(readiness.timeoutSeconds).toBeLessThan(readiness.periodSeconds);
  });

  it("scales to zero when idle, keeps one replica while the wake queue holds work, and wakes on HTTP", async () => {
    const trigger = await deploy("scale");
    const scale = inputsOf("scale-service").template.scale;
    expect(scale).toMatchObject({ minReplicas: 0, maxReplicas: 5 });
    expect(scale.rules).toEqual([
      {
        name: "work-exists",
        azureQueue: {
          accountName: await valueOf(trigger.storageAccountName),
          queueName: "trigger-wake",
          queueLength: 1,
          identity: inputsOf("scale-service").identity.userAssignedIdentities[0],
        },
      },
      { name: "http-requests", http: { metadata: { concurrentRequests: "10" } } },
    ]);
    expect(scale.rules[0].azureQueue.auth).toBeUndefined();
  });

  it("starts its first revision only after every grant it relies on has had time to take effect", async () => {
    await deploy("order");
    const wait = inputsOf("order-grant-propagation");
    expect(wait.createDuration).toBe("2m");
    expect(Object.keys(wait.triggers).sort()).toEqual(["group-operator-1", "store-log-blobs", "store-queues", "store-tables"]);
    expect(wait.triggers["store-tables"]).toMatch(/\/storageAccounts\/acitrigger[0-9a-f]{14}\/providers\/Microsoft\.Authorization\/roleAssignments\/order-store-tables$/);
    expect(wait.triggers["group-operator-1"]).toMatch(/\/roleAssignments\/order-group-operator-1$/);
    const app = resource(registered, "order-service");
    for (const name of ["order-grant-propagation", "order-runs-table", "order-wake-queue", "order-group-1"]) {
      expect(dependsOn(app, name)).toBe(true);
    }
  });

  it("exposes the https URL and the runs URL as plain outputs, and the first key as a secret", async () => {
    const trigger = await deploy("outputs");
    expect(await valueOf(trigger.url)).toBe(`https://outputs-service.${environmentDomain}`);
    expect(await valueOf(trigger.runsUrl)).toBe(`https://outputs-service.${environmentDomain}/runs`);
    // The engine marks the app's `configuration` output secret (its input holds the secrets), so
    // a URL read from it would print as [secret] in `pulumi stack output`.
    expect(await pulumi.isSecret(trigger.url)).toBe(false);
    expect(await pulumi.isSecret(trigger.runsUrl)).toBe(false);
    expect(await valueOf(trigger.apiKey)).toBe("key-one-0123456789");
    expect(await pulumi.isSecret(trigger.apiKey)).toBe(true);
  });

  it("outputs the first key alone when the keys are labelled, so a curl with it is admitted", async () => {
    const trigger = await deploy("labelled", { ...readyImageArgs, apiKeys: "nightly:key-one-0123456789,ci:key-two-0123456789" });
    expect(await valueOf(trigger.apiKey)).toBe("key-one-0123456789");
    expect(await pulumi.isSecret(trigger.apiKey)).toBe(true);
  });
});

describe("the service image", () => {
  it("uses a ready image as given, with no registry, no build and no AcrPull", async () => {
    const trigger = await deploy("ready");
    expect(inputsOf("ready-service").template.containers[0].image).toBe("registry.example/aci-http-trigger:1.0.0");
    const types = [...registered.values()].filter((r) => r.name.startsWith("ready-")).map((r) => r.type);
    expect(types).not.toContain("azure-native:containerregistry:Registry");
    expect(types).not.toContain("docker-build:index:Image");
    expect(registered.has("ready-acr-pull")).toBe(false);
    expect(inputsOf("ready-service").configuration.registries).toBeUndefined();
    expect(trigger.registryLoginServer).toBeUndefined();
  });

  it("builds the repository's Dockerfile, pushes it to a registry without admin user, and lets only the identity pull it", async () => {
    const exchange = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => Response.json({ refresh_token: "acr-refresh-token" }));
    vi.stubGlobal("fetch", exchange);
    const { serviceImage: _ready, ...rest } = readyImageArgs;
    const trigger = await deploy("build", { ...rest, serviceBuild: { context: "." } });

    const registry = inputsOf("build-registry");
    expect(registry.adminUserEnabled).toBe(false);
    expect(registry.registryName).toMatch(/^acitrigger[0-9a-f]{20}$/);
    const loginServer = await valueOf(trigger.registryLoginServer!);
    expect(loginServer).toBe(`${registry.registryName}.azurecr.io`);

    expect(inputsOf("build-acr-pull")).toMatchObject({
      scope: expect.stringMatching(/\/registries\/acitrigger[0-9a-f]{20}$/),
      principalId: "identity-principal-id",
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
    });

    const image = resource(registered, "build-service-image").inputs;
    expect(inputsOf("build-service-image")).toMatchObject({
      context: { location: "." },
      dockerfile: { location: "./Dockerfile" },
      push: true,
      platforms: ["linux/amd64"],
      tags: [`${loginServer}/aci-http-trigger:dev`],
      registries: [{ address: loginServer, username: "00000000-0000-0000-0000-000000000000", password: "acr-refresh-token" }],
    });
    expect(isSecretInput(image.registries)).toBe(true);
    expect(String(exchange.mock.calls[0]![0])).toBe(`https://${loginServer}/oauth2/exchange`);

    const app = inputsOf("build-service");
    expect(app.template.containers[0].image).toBe(`${loginServer}/aci-http-trigger:dev@sha256:0123abcd`);
    expect(app.configuration.registries).toEqual([{ server: loginServer, identity: expect.stringMatching(/userAssignedIdentities\/build-identity$/) }]);
    // The first revision pulls with the identity: it waits for AcrPull to take effect.
    expect(inputsOf("build-grant-propagation").triggers["acr-pull"]).toMatch(/\/roleAssignments\/build-acr-pull$/);
  });
});

describe("API keys", () => {
  it("generates a long alphanumeric key when none is configured and keeps it secret", async () => {
    const { apiKeys: _keys, ...rest } = readyImageArgs;
    const trigger = await deploy("generated", rest);
    expect(inputsOf("generated-api-key")).toMatchObject({ length: 48, special: false });
    expect(await valueOf(trigger.apiKey)).toBe("GeneratedKey0123456789abcdefghijklmnopqrstuvwxyzAB");
    expect(await pulumi.isSecret(trigger.apiKey)).toBe(true);
  });
});

describe("resource group", () => {
  it("deploys into a named existing group and creates none", async () => {
    const trigger = await deploy("existing", { ...readyImageArgs, resourceGroupName: "shared-rg" });
    expect(registered.has("existing-rg")).toBe(false);
    expect(await valueOf(trigger.resourceGroupName)).toBe("shared-rg");
    expect(inputsOf("existing-group-1")).toMatchObject({ resourceGroupName: "shared-rg", location: "northeurope" });
    expect(inputsOf("existing-role").assignableScopes).toEqual([`/subscriptions/${subscriptionId}/resourceGroups/shared-rg`]);
  });
});

describe("tags", () => {
  it("puts the stack's tags on every resource it creates", async () => {
    await deploy("tagged", { ...readyImageArgs, tags: { team: "jobs" } });
    for (const name of ["tagged-rg", "tagged-logs", "tagged-identity", "tagged-store", "tagged-env", "tagged-service"]) {
      expect(inputsOf(name).tags).toEqual({ team: "jobs" });
    }
    expect(inputsOf("tagged-group-tags-1").properties).toEqual({ tags: { team: "jobs" } });
  });
});

describe("argument validation", () => {
  it("refuses bad arguments before creating any child, naming each key", async () => {
    const { AciHttpTrigger } = await import("../../infra/trigger.js");
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

  it("refuses an out-of-range service setting before creating any child, with the service's own message", async () => {
    const { AciHttpTrigger } = await import("../../infra/trigger.js");
    const before = registered.size;
    const serviceSettings = { reconcileIntervalMs: "5", maxQueued: "10001" };
    // The ConfigError the service itself would log at start (test/infra/service-check.test.ts).
    const serviceMessage =
      "Invalid configuration: TRIGGER_RECONCILE_INTERVAL_MS must be an integer from 10 to 600000; TRIGGER_MAX_QUEUED must be an integer from 0 to 10000";
    expect(() => new AciHttpTrigger("out-of-range", { ...readyImageArgs, serviceSettings })).toThrow(serviceMessage);
    expect([...registered.keys()].filter((key) => key.startsWith("out-of-range-"))).toEqual([]);
    expect(registered.size).toBe(before);
  });

  it("refuses TRIGGER_BASE in the worker's env before creating any child: the service reserves it", async () => {
    const { AciHttpTrigger } = await import("../../infra/trigger.js");
    const before = registered.size;
    expect(() => new AciHttpTrigger("reserved", { ...readyImageArgs, environment: { MODE: "nightly", TRIGGER_BASE: "{}" } })).toThrow(
      `Invalid "environment": "TRIGGER_BASE" is set by the service on each run, never by the stack.`,
    );
    expect(registered.size).toBe(before);
  });
});
