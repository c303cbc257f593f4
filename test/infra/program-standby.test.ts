import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { configNames } from "../../service/config-names.js";
import { installMocks, resource, reveal, valueOf, type RegisteredResource } from "./pulumi-mocks.js";

type Program = Record<string, pulumi.Output<unknown> | undefined>;

let registered: Map<string, RegisteredResource>;
let program: Program;

beforeAll(async () => {
  registered = await installMocks();
  pulumi.runtime.setAllConfig(
    {
      "aci-http-trigger:image": "registry.example/jobs/report:1.4",
      "aci-http-trigger:command": JSON.stringify(["python", "job.py"]),
      "aci-http-trigger:serviceImage": "registry.example/aci-http-trigger:1.0.0",
      "aci-http-trigger:apiKeys": "configured-key-0123456789",
      "aci-http-trigger:dispatch": "standby",
      "aci-http-trigger:standby": JSON.stringify({ providerPrincipalId: "5b3e6f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b", maxReadyCapacity: 5, maxActiveGroups: 40 }),
    },
    ["aci-http-trigger:apiKeys"],
  );
  program = (await import("../../infra/index.js")) as unknown as Program;
  await valueOf(program.url!);
});

describe("the stack program in standby dispatch", () => {
  it("exports the profile and the pool, and no fixed group", async () => {
    expect(await valueOf(program.containerGroupProfileId!)).toMatch(/\/providers\/Microsoft\.ContainerInstance\/containerGroupProfiles\/trigger-[0-9a-f]{8}-profile$/);
    expect(await valueOf(program.standbyPoolId!)).toMatch(/\/providers\/Microsoft\.StandbyPool\/standbyContainerGroupPools\/trigger-[0-9a-f]{8}-sp$/);
    expect(await valueOf(program.containerGroupNames!)).toEqual([]);
  });

  it("passes the dispatch config keys through to the pool and the service", () => {
    expect(reveal(resource(registered, "trigger-standby-pool").inputs).properties.elasticityProfile).toEqual({ maxReadyCapacity: 5, refillPolicy: "always" });
    expect(reveal(resource(registered, "trigger-standby-provider-containerInstancesContributor").inputs).principalId).toBe("5b3e6f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    const env = reveal(resource(registered, "trigger-service").inputs.template.containers[0].env);
    expect(env).toContainEqual({ name: configNames.dispatchMode, value: "standby" });
    expect(env).toContainEqual({ name: configNames.maxActiveGroups, value: "40" });
    expect(env).toContainEqual({ name: configNames.containerGroupProfileRevision, value: "1" });
  });
});
