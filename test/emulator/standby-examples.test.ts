import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { testResourceGroup, testSubscriptionId, useArmEmulator } from "../helpers/emulator.js";
import { aciVersion, poolVersion, profileId, standbyCalls } from "../helpers/standby.js";
import { isUnder, wireDifferences } from "../helpers/wire-diff.js";

// The specs' own examples (test/fixtures/standby/examples/): no recording shows a pool, so the
// pool's answers are held to the StandbyPool spec's examples, key by key (values differ: ids,
// names, counts). The claim example is sent as written and its answer compared the same way.
const arm = useArmEmulator({ standby: { claimMs: 0, coldCreateMs: 1_000, refillMs: 0 } });
const { call, link } = standbyCalls(arm);

interface Example {
  parameters: Record<string, any>;
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

/** An example with its ids moved into the test's subscription and resource group. */
function example(name: string): Example {
  const text = readFileSync(new URL(`../fixtures/standby/examples/${name}.json`, import.meta.url), "utf8");
  return JSON.parse(text.replace(/\/subscriptions\/[^/"]+\/resourceGroups\/[^/"]+\//g, `/subscriptions/${testSubscriptionId}/resourceGroups/${testResourceGroup}/`)) as Example;
}

/** Where an answer's keys differ from the example's (values and array lengths aside), minus the named ones. */
function shapeDifferences(expected: unknown, actual: unknown, known: Record<string, string>): string[] {
  return wireDifferences(expected, actual)
    .filter((d) => d.kind === "missing" || d.kind === "extra" || d.kind === "type")
    .filter((d) => !Object.keys(known).some((path) => isUnder(d.path, path)))
    .map((d) => `${d.path} ${d.kind}`);
}

const poolPath = (name: string) => `/subscriptions/${testSubscriptionId}/resourceGroups/${testResourceGroup}/providers/Microsoft.StandbyPool/standbyContainerGroupPools/${name}`;
const noSystemData = { systemData: "The emulator keeps no systemData (who created or changed the resource, and when)." };

describe("the StandbyPool spec's examples", () => {
  it("creates a pool as the CreateOrUpdate example does: 201 with its body and an Azure-AsyncOperation link", async () => {
    const { parameters, responses } = example("StandbyContainerGroupPools_CreateOrUpdate");
    const put = await call("PUT", `${poolPath("pool")}?api-version=${parameters["api-version"]}`, parameters.resource);
    expect(put.status).toBe(201);
    expect(Object.keys(responses["201"]?.headers ?? {}).map((h) => h.toLowerCase())).toEqual(["azure-asyncoperation"]);
    expect(put.headers["azure-asyncoperation"]).toBeDefined();
    expect(shapeDifferences(responses["201"]?.body, put.body, noSystemData)).toEqual([]);
    expect((await link(put.headers["azure-asyncoperation"])).body.status).toBe("Succeeded");
  });

  it("reads a pool and its runtime view as the Get examples show them", async () => {
    const get = await call("GET", `${poolPath("pool")}?api-version=${poolVersion}`);
    expect(shapeDifferences(example("StandbyContainerGroupPools_Get").responses["200"]?.body, get.body, noSystemData)).toEqual([]);
    const view = await call("GET", `${poolPath("pool")}/runtimeViews/latest?api-version=${poolVersion}`);
    const known = { ...noSystemData, "properties.prediction": "Forecasts appear after weeks of use (standby facts §7); the emulator makes none." };
    expect(shapeDifferences(example("StandbyContainerGroupPoolRuntimeViews_Get").responses["200"]?.body, view.body, known)).toEqual([]);
  });

  it("deletes a pool with 202 and the Azure-AsyncOperation of the Delete example, beside the spec's Location", async () => {
    const { responses } = example("StandbyContainerGroupPools_Delete");
    const deleted = await call("DELETE", `${poolPath("pool")}?api-version=${poolVersion}`);
    expect(Object.keys(responses)).toContain(String(deleted.status));
    for (const header of Object.keys(responses["202"]?.headers ?? {})) expect(deleted.headers[header.toLowerCase()]).toBeDefined();
    expect(deleted.headers["location"]).toBeDefined();
  });
});

describe("the ACI spec's standby claim example", () => {
  it("accepts the example's claim as written and answers with the example's keys, plus what the recordings show", async () => {
    const { parameters, responses } = example("ContainerGroupCreateOrUpdateStandbyPool");
    const expected = responses["201"]?.body as { properties: { containers: Array<{ name: string; properties: Record<string, unknown> }>; containerGroupProfile: { id: string } } };
    const profileName = expected.properties.containerGroupProfile.id.split("/").pop() ?? "";
    const container = expected.properties.containers[0] as { name: string; properties: Record<string, unknown> };
    const { configMap: _, ...containerProperties } = container.properties;
    await call("PUT", `${profileId(profileName)}?api-version=${aciVersion}`, {
      location: "eastus2",
      properties: { containers: [{ name: container.name, properties: containerProperties }], osType: "Linux", imageRegistryCredentials: [], initContainers: [] },
    });
    const claim = parameters.containerGroup as { properties: { standbyPoolProfile: { id: string }; containerGroupProfile: { id: string } } };
    const poolName = claim.properties.standbyPoolProfile.id.split("/").pop() ?? "";
    await call("PUT", `${poolPath(poolName)}?api-version=${poolVersion}`, {
      location: "eastus2",
      properties: { elasticityProfile: { maxReadyCapacity: 1 }, containerGroupProperties: { containerGroupProfile: { id: claim.properties.containerGroupProfile.id } } },
    });
    const answer = await call("PUT", `/subscriptions/${testSubscriptionId}/resourceGroups/${testResourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${parameters.containerGroupName}?api-version=${parameters["api-version"]}`, claim);
    expect(answer.status).toBe(201);
    const recorded = "Not in the example, but in every recorded claim answer (test/fixtures/standby/recordings/).";
    const known = {
      "properties.provisioningTimeoutInSeconds": recorded,
      "properties.isCustomProvisioningTimeout": recorded,
      "properties.containers[].properties.instanceView": recorded,
    };
    expect(shapeDifferences(expected, answer.body, known)).toEqual([]);
    expect(answer.body.properties.containers[0].properties.configMap).toEqual(container.properties.configMap);
  });
});
