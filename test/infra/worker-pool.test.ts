import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { configNames } from "../../service/config-names.js";
import { aciApiVersion } from "../../aci/api-version.js";
import { workerGroupName } from "../../infra/names.js";
import { readyImageArgs, useTriggerMocks } from "./deploy-trigger.js";
import { planStep } from "./engine-plan.js";
import { isSecretInput, resource, subscriptionId, valueOf, workspaceKey } from "./pulumi-mocks.js";

const { registered, deploy, inputsOf, serviceEnv } = useTriggerMocks();
const seedOf = (name: string) => ({ project: "aci-http-trigger", stack: "dev", name });

function optionsOf(name: string) {
  const registration = resource(registered, name);
  return { ignoreChanges: registration.ignoreChanges, replaceOnChanges: registration.replaceOnChanges };
}

/**
 * The group's inputs as `pulumi refresh` records them after the service ran a job on it: the
 * run's env (with TRIGGER_RUN_ID), its command and tags, and ARM's instance view and state.
 */
function refreshedAfterRun(deployed: any): any {
  const refreshed = structuredClone(deployed);
  const container = refreshed.properties.containers[0].properties;
  container.environmentVariables = [...container.environmentVariables, { name: "INPUT", value: "a.csv" }, { name: "TRIGGER_RUN_ID", value: "run-7" }];
  container.command = ["python", "other.py"];
  container.instanceView = { restartCount: 0, currentState: { state: "Terminated", exitCode: 0 } };
  refreshed.properties.instanceView = { state: "Succeeded", events: [] };
  refreshed.properties.provisioningState = "Succeeded";
  refreshed.tags = { "trigger-run-id": "run-7" };
  return refreshed;
}

describe("a worker group", () => {
  it("is deployed at the api-version the service reads and re-creates it with, so neither drops what the other set", async () => {
    await deploy("version");
    const registration = resource(registered, "version-group-1");
    expect(registration.type).toBe("azure-native:resources:Resource");
    expect(inputsOf("version-group-1")).toMatchObject({
      apiVersion: aciApiVersion,
      resourceProviderNamespace: "Microsoft.ContainerInstance",
      resourceType: "containerGroups",
      parentResourcePath: "",
      resourceName: workerGroupName(seedOf("version"), 1),
    });
  });

  it("runs the configured image once, on Linux, without a public IP, logging to the workspace", async () => {
    await deploy("worker");
    const properties = inputsOf("worker-group-1").properties;
    expect(properties).toMatchObject({ osType: "Linux", restartPolicy: "Never", sku: "Standard" });
    expect(properties.ipAddress).toBeUndefined();
    expect(properties.containers).toEqual([
      {
        name: "worker",
        properties: {
          image: "registry.example/jobs/report:1.4",
          command: ["python", "job.py"],
          resources: { requests: { cpu: 2, memoryInGB: 4 } },
          environmentVariables: [
            { name: "MODE", value: "nightly" },
            { name: "DB_PASSWORD", secureValue: "hunter2" },
          ],
        },
      },
    ]);
    expect(properties.diagnostics).toEqual({ logAnalytics: { workspaceId: "workspace-customer-id", workspaceKey } });
  });

  it("keeps the secure env and the workspace key secret in its inputs", async () => {
    await deploy("worker-secrets");
    // The SDK marks the whole top-level property that holds a secret, so state encrypts all of it.
    expect(isSecretInput(resource(registered, "worker-secrets-group-1").inputs.properties)).toBe(true);
  });

  it("starts on deployment with its base env only, never a TRIGGER_RUN_ID: a job tells that start from a run", async () => {
    await deploy("deploy-start");
    const env = inputsOf("deploy-start-group-1").properties.containers[0].properties.environmentVariables as { name: string }[];
    expect(env.map((variable) => variable.name)).toEqual(["MODE", "DB_PASSWORD"]);
    const { AciHttpTrigger } = await import("../../infra/trigger.js");
    expect(() => new AciHttpTrigger("deploy-start-bad", { ...readyImageArgs, environment: { TRIGGER_RUN_ID: "fixed" } })).toThrow(
      `Invalid "environment": "TRIGGER_RUN_ID" is set by the service on each run, never by the stack.`,
    );
  });
});

describe("pulumi up on a worker group the service has run jobs on", () => {
  it("plans no update after a refresh recorded a run's env, command, tags and ARM's instance view", async () => {
    await deploy("refresh");
    const deployed = inputsOf("refresh-group-1");
    expect(planStep(refreshedAfterRun(deployed), deployed, optionsOf("refresh-group-1")).step).toBe("same");
  });

  it("hands a new image to the service for the next run on each group, and plans no PUT of a group that may be running one", async () => {
    await deploy("image");
    const deployed = inputsOf("image-group-1");
    expect(serviceEnv("image")).toContainEqual({ name: configNames.containerImage, value: "registry.example/jobs/report:1.4" });

    await deploy("image", { ...readyImageArgs, image: "registry.example/jobs/report:1.5" });
    const rolledOut = inputsOf("image-group-1");
    expect(rolledOut.properties.containers[0].properties.image).toBe("registry.example/jobs/report:1.5");
    expect(serviceEnv("image")).toContainEqual({ name: configNames.containerImage, value: "registry.example/jobs/report:1.5" });
    expect(planStep(deployed, rolledOut, optionsOf("image-group-1")).step).toBe("same");
    expect(planStep(refreshedAfterRun(deployed), rolledOut, optionsOf("image-group-1")).step).toBe("same");
  });

  it("hands a new base env and command to the service for the next run, and plans no PUT of a group for them", async () => {
    await deploy("base");
    const deployed = inputsOf("base-group-1");
    const baseOf = () => serviceEnv("base").find((entry) => entry.name === configNames.containerBase)?.value;
    expect(JSON.parse(baseOf()!)).toEqual({ env: { MODE: "nightly" }, command: ["python", "job.py"] });
    // The plain base only: the Container App's template must not turn secret with it.
    expect(isSecretInput(resource(registered, "base-service").inputs.template)).toBe(false);

    const { command: _command, ...withoutCommand } = readyImageArgs;
    await deploy("base", { ...withoutCommand, environment: { MODE: "weekly", LEVEL: "debug" } });
    expect(JSON.parse(baseOf()!)).toEqual({ env: { MODE: "weekly", LEVEL: "debug" } });
    expect(planStep(deployed, inputsOf("base-group-1"), optionsOf("base-group-1")).step).toBe("same");
    expect(planStep(refreshedAfterRun(deployed), inputsOf("base-group-1"), optionsOf("base-group-1")).step).toBe("same");
  });

  it("resizes with the state's values for the service's paths, so the next run still takes the program's image from the service", async () => {
    await deploy("image-resize");
    const deployed = inputsOf("image-resize-group-1");
    await deploy("image-resize", { ...readyImageArgs, image: "registry.example/jobs/report:1.5", cpu: 4 });
    const resized = inputsOf("image-resize-group-1");
    const plan = planStep(deployed, resized, optionsOf("image-resize-group-1"));
    expect(plan.step).toBe("replace");
    expect(plan.sent.properties.containers[0].properties.image).toBe("registry.example/jobs/report:1.4");
    expect(plan.sent.properties.containers[0].properties.resources.requests.cpu).toBe(4);
    expect(serviceEnv("image-resize")).toContainEqual({ name: configNames.containerImage, value: "registry.example/jobs/report:1.5" });

    // After a refresh the state holds the last run's env: `--replace` re-creates from the program instead.
    const targeted = planStep(refreshedAfterRun(deployed), resized, { ...optionsOf("image-resize-group-1"), targetedReplace: true });
    expect(targeted.sent).toEqual(resized);
    expect(targeted.sent.properties.containers[0].properties.environmentVariables).not.toContainEqual(expect.objectContaining({ name: "TRIGGER_RUN_ID" }));
  });

  it("replaces the group, deleting it first, for a CPU or memory change ACI cannot make in place", async () => {
    await deploy("resize");
    const deployed = inputsOf("resize-group-1");
    for (const [field, value] of [
      ["cpu", 4],
      ["memoryInGB", 8],
    ] as const) {
      const resized = structuredClone(deployed);
      resized.properties.containers[0].properties.resources.requests[field] = value;
      expect(planStep(refreshedAfterRun(deployed), resized, optionsOf("resize-group-1")).step).toBe("replace");
    }
    // Its name is fixed: creating the replacement first would PUT over the group being replaced.
    expect(resource(registered, "resize-group-1").deleteBeforeReplace).toBe(true);
  });

  it("re-creates the group's grant and tags with it, the old ones first", async () => {
    await deploy("remake", { ...readyImageArgs, tags: { team: "jobs" } });
    const groupUrn = resource(registered, "remake-group-1").urn;
    for (const name of ["remake-group-operator-1", "remake-group-tags-1"]) {
      expect(resource(registered, name)).toMatchObject({ deletedWith: groupUrn, deleteBeforeReplace: true });
    }
  });

  it("changes the stack's own tags through a merging tags resource, never by re-deploying the group", async () => {
    const trigger = await deploy("org-tags", { ...readyImageArgs, tags: { team: "jobs" } });
    expect(resource(registered, "org-tags-group-tags-1").type).toBe("azure-native:resources:TagAtScope");
    expect(inputsOf("org-tags-group-tags-1")).toEqual({ scope: (await valueOf(trigger.containerGroupIds))[0], properties: { tags: { team: "jobs" } } });
    expect(inputsOf("org-tags-group-1").tags).toBeUndefined();
  });
});

describe("the worker pool", () => {
  it("deploys poolSize identical groups with stable names, each granted to the identity alone, and lists them for the service", async () => {
    const trigger = await deploy("pool", { ...readyImageArgs, poolSize: 3 });
    const names = [1, 2, 3].map((index) => workerGroupName(seedOf("pool"), index));
    expect(await valueOf(trigger.containerGroupNames)).toEqual(names);
    const ids = await valueOf(trigger.containerGroupIds);
    const first = inputsOf("pool-group-1").properties;
    for (const index of [1, 2, 3]) {
      expect(inputsOf(`pool-group-${index}`).properties).toEqual(first);
      expect(inputsOf(`pool-group-operator-${index}`)).toEqual({
        scope: ids[index - 1],
        principalId: "identity-principal-id",
        principalType: "ServicePrincipal",
        roleDefinitionId: await valueOf(trigger.roleDefinitionId),
      });
    }
    expect(registered.has("pool-group-4")).toBe(false);
    expect(serviceEnv("pool")).toContainEqual({ name: configNames.containerGroups, value: names.join(",") });
    expect(Object.keys(inputsOf("pool-grant-propagation").triggers)).toEqual(
      expect.arrayContaining(["group-operator-1", "group-operator-2", "group-operator-3"]),
    );
    expect(ids[0]).toBe(`/subscriptions/${subscriptionId}/resourceGroups/pool-rg-1234/providers/Microsoft.ContainerInstance/containerGroups/${names[0]}`);
  });

  it("grows without planning any change to the groups it already has", async () => {
    await deploy("grow", { ...readyImageArgs, poolSize: 2 });
    const before = [1, 2].map((index) => ({ group: inputsOf(`grow-group-${index}`), grant: inputsOf(`grow-group-operator-${index}`) }));
    await deploy("grow", { ...readyImageArgs, poolSize: 3 });
    for (const [offset, recorded] of before.entries()) {
      const index = offset + 1;
      expect(planStep(recorded.group, inputsOf(`grow-group-${index}`), optionsOf(`grow-group-${index}`)).step).toBe("same");
      expect(planStep(recorded.grant, inputsOf(`grow-group-operator-${index}`), { ignoreChanges: [], replaceOnChanges: [] }).step).toBe("same");
    }
    expect(registered.has("grow-group-3")).toBe(true);
  });

  it("has one group by default", async () => {
    const trigger = await deploy("single");
    expect(await valueOf(trigger.containerGroupNames)).toEqual([workerGroupName(seedOf("single"), 1)]);
    expect(registered.has("single-group-2")).toBe(false);
    expect(await pulumi.isSecret(trigger.containerGroupNames)).toBe(false);
  });
});
