import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { appFqdn, installMocks, resource, reveal, valueOf, type RegisteredResource } from "./pulumi-mocks.js";

type Program = Record<string, pulumi.Output<string> | undefined>;

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
      "aci-http-trigger:apiKeys": "configured-key",
      "aci-http-trigger:serviceSettings": JSON.stringify({ logLevel: "debug" }),
    },
    ["aci-http-trigger:secureEnvironment", "aci-http-trigger:apiKeys"],
  );
  program = (await import("../../infra/index.js")) as unknown as Program;
  await valueOf(program.url!);
});

describe("the stack program", () => {
  it("exports the URLs, names and client id a caller needs", async () => {
    expect(await valueOf(program.url!)).toBe(`https://${appFqdn}`);
    expect(await valueOf(program.runsUrl!)).toBe(`https://${appFqdn}/runs`);
    expect(await valueOf(program.resourceGroupName!)).toBe("trigger-rg-1234");
    expect(await valueOf(program.containerGroupName!)).toBe("trigger-group-abcd");
    expect(await valueOf(program.identityClientId!)).toBe("identity-client-id");
    expect(program.registryLoginServer).toBeUndefined();
  });

  it("keeps the configured API key secret in the stack outputs", async () => {
    expect(await valueOf(program.apiKey!)).toBe("configured-key");
    expect(await pulumi.isSecret(program.apiKey!)).toBe(true);
  });

  it("passes the stack configuration through to the worker and the service", () => {
    const group = reveal(resource(registered, "trigger-group").inputs);
    expect(group.containers[0]).toMatchObject({
      image: "registry.example/jobs/report:1.4",
      resources: { requests: { cpu: 0.5, memoryInGB: 1.5 } },
      environmentVariables: [
        { name: "MODE", value: "nightly" },
        { name: "DB_PASSWORD", secureValue: "hunter2" },
      ],
    });
    const env = reveal(resource(registered, "trigger-service").inputs.template.containers[0].env);
    expect(env).toContainEqual({ name: "LOG_LEVEL", value: "debug" });
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
