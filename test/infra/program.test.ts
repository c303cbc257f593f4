import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { workerGroupName } from "../../infra/names.js";
import { environmentDomain, installMocks, resource, reveal, valueOf, type RegisteredResource } from "./pulumi-mocks.js";

type Program = Record<string, pulumi.Output<unknown> | undefined>;

let registered: Map<string, RegisteredResource>;
let program: Program;

beforeAll(async () => {
  registered = await installMocks();
  pulumi.runtime.setAllConfig(
    {
      "aci-http-trigger:image": "registry.example/jobs/report:1.4",
      "aci-http-trigger:cpu": "0.5",
      "aci-http-trigger:environment": JSON.stringify({ MODE: "nightly" }),
      "aci-http-trigger:secureEnvironment": JSON.stringify({ DB_PASSWORD: "hunter2" }),
      "aci-http-trigger:serviceImage": "registry.example/aci-http-trigger:1.0.0",
      "aci-http-trigger:apiKeys": "configured-key-0123456789",
      "aci-http-trigger:poolSize": "2",
      "aci-http-trigger:tags": JSON.stringify({ team: "jobs" }),
      "aci-http-trigger:serviceSettings": JSON.stringify({ logLevel: "debug", maxQueued: "10" }),
      "aci-http-trigger:webhookAllowedOrigins": JSON.stringify(["https://hooks.example"]),
      "aci-http-trigger:webhookSecret": `whsec_${Buffer.alloc(24, 3).toString("base64")}`,
      "aci-http-trigger:webhookBackoffSeconds": "2",
      "aci-http-trigger:logs": JSON.stringify({ copyIntervalMs: 2000 }),
    },
    ["aci-http-trigger:secureEnvironment", "aci-http-trigger:apiKeys", "aci-http-trigger:webhookSecret"],
  );
  program = (await import("../../infra/index.js")) as unknown as Program;
  await valueOf(program.url!);
});

describe("the stack program", () => {
  it("exports the URLs, names and client id a caller needs, none of them secret", async () => {
    expect(await valueOf(program.url!)).toBe(`https://trigger-service.${environmentDomain}`);
    expect(await valueOf(program.runsUrl!)).toBe(`https://trigger-service.${environmentDomain}/runs`);
    expect(await pulumi.isSecret(program.runsUrl!)).toBe(false);
    expect(await valueOf(program.resourceGroupName!)).toBe("trigger-rg-1234");
    const seed = { project: "aci-http-trigger", stack: "dev", name: "trigger" };
    expect(await valueOf(program.containerGroupNames!)).toEqual([workerGroupName(seed, 1), workerGroupName(seed, 2)]);
    expect(await valueOf(program.storageAccountName!)).toMatch(/^acitrigger[0-9a-f]{14}$/);
    expect(await valueOf(program.identityClientId!)).toBe("identity-client-id");
    expect(program.registryLoginServer).toBeUndefined();
  });

  it("keeps the configured API key secret in the stack outputs", async () => {
    expect(await valueOf(program.apiKey!)).toBe("configured-key-0123456789");
    expect(await pulumi.isSecret(program.apiKey!)).toBe(true);
  });

  it("passes the stack configuration through to the worker groups and the service", () => {
    for (const name of ["trigger-group-1", "trigger-group-2"]) {
      expect(reveal(resource(registered, name).inputs).properties.containers[0].properties).toMatchObject({
        image: "registry.example/jobs/report:1.4",
        resources: { requests: { cpu: 0.5, memoryInGB: 1.5 } },
        environmentVariables: [
          { name: "MODE", value: "nightly" },
          { name: "DB_PASSWORD", secureValue: "hunter2" },
        ],
      });
    }
    expect(registered.has("trigger-group-3")).toBe(false);
    expect(reveal(resource(registered, "trigger-group-tags-1").inputs).properties).toEqual({ tags: { team: "jobs" } });
    const env = reveal(resource(registered, "trigger-service").inputs.template.containers[0].env);
    expect(env).toContainEqual({ name: "LOG_LEVEL", value: "debug" });
    expect(env).toContainEqual({ name: "TRIGGER_MAX_QUEUED", value: "10" });
    expect(env).toContainEqual({ name: "TRIGGER_WEBHOOK_ALLOWED_ORIGINS", value: "https://hooks.example" });
    expect(env).toContainEqual({ name: "TRIGGER_WEBHOOK_BACKOFF_SECONDS", value: "2" });
    expect(env).toContainEqual({ name: "TRIGGER_WEBHOOK_SECRET", secretRef: "trigger-webhook-secret" });
    expect(env).toContainEqual({ name: "TRIGGER_LOG_COPY_INTERVAL_MS", value: "2000" });
  });
});

describe("Pulumi.yaml", () => {
  it("loads the ESM TypeScript entry with tsx instead of Pulumi's ts-node", () => {
    const project = readFileSync(new URL("../../Pulumi.yaml", import.meta.url), "utf8");
    const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(project).toMatch(/^name: aci-http-trigger$/m);
    expect(project).toMatch(/^main: infra\/index\.ts$/m);
    expect(project).toMatch(/^ {4}typescript: false$/m);
    expect(project).toMatch(/^ {4}nodeargs: "--import tsx"$/m);
    expect(packageJson.type).toBe("module");
    expect({ ...packageJson.dependencies, ...packageJson.devDependencies }).toHaveProperty("tsx");
  });
});
