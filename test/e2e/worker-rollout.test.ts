import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { runsClient } from "../helpers/runs-client.js";
import { startServiceProcess } from "../helpers/service-process.js";
import { jobName, startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "worker-rollout-key-0123456789";
const current = "registry.example/job:1.4";
const next = "registry.example/job:1.5";

interface PutBody {
  tags?: Record<string, string>;
  properties: { containers: Array<{ properties: { image: string; command?: string[]; environmentVariables: Array<{ name: string; value?: string }> } }> };
}

describe("a rollout of the worker's image and base, as the stack hands them to the service", () => {
  let trigger: Trigger;

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: [{ ACI_CONTAINER_IMAGE: current }] });
  });

  afterAll(() => trigger?.close());

  const puts = () => trigger.emulator.requests.filter((r) => r.method === "PUT").map((r) => r.body as PutBody);
  const storedImage = () =>
    (trigger.emulator.getStoredGroup(testSubscriptionId, testResourceGroup, jobName) as PutBody).properties.containers[0]!.properties.image;

  it("runs the image the service was given, not the one the group was deployed with, and records it on the run", async () => {
    const runs = runsClient(trigger.services[0]!.url, apiKey);
    const run = await runs.start({ env: { FIRST: "1" } });
    expect(puts().map((body) => body.properties.containers[0]!.properties.image)).toEqual([current]);
    const ended = await runs.waitFor(run.body.id!, ["succeeded"]);
    expect(ended.body.image).toBe(current);
    expect(storedImage()).toBe(current);
  });

  it("brings a new image, env and command to the next run through a new revision, never re-creating the group under an active run", async () => {
    const base = { env: { BASE: "2", LEVEL: "debug" }, command: ["node", "job2.js"] };
    const before = runsClient(trigger.services[0]!.url, apiKey);
    const active = (await before.start({ env: { EMULATOR_RUN_MS: "600000" } })).body.id!;
    expect((await before.waitFor(active, ["running"])).body.image).toBe(current);

    // Container Apps starts the new revision and stops the old one; the run store carries the run over.
    trigger.services.push(await startServiceProcess({ ...trigger.env, ACI_CONTAINER_IMAGE: next, ACI_CONTAINER_BASE: JSON.stringify(base) }));
    await trigger.services[0]!.stop();
    const after = runsClient(trigger.services[1]!.url, apiKey);
    trigger.emulator.clearRequests();

    const waiting = await after.start({ env: { SECOND: "1" } });
    expect(waiting.body.status).toBe("queued");
    const still = await after.status(active);
    expect(still.body).toMatchObject({ status: "running", image: current });
    expect(storedImage()).toBe(current);
    expect(puts()).toEqual([]);

    expect((await after.cancel(active)).body.status).toBe("canceled");
    const ended = await after.waitFor(waiting.body.id!, ["succeeded"]);
    expect(ended.body.image).toBe(next);
    expect(puts().map((body) => [body.tags?.["trigger-run-id"], body.properties.containers[0]!.properties.image])).toEqual([[waiting.body.id, next]]);
    const sent = puts()[0]!.properties.containers[0]!.properties;
    expect(sent.command).toEqual(base.command);
    expect(sent.environmentVariables).toEqual([
      { name: "BASE", value: "2" },
      { name: "LEVEL", value: "debug" },
      { name: "SECOND", value: "1" },
      { name: "TRIGGER_RUN_ID", value: waiting.body.id },
      { name: "TRIGGER_ATTEMPT", value: "1" },
    ]);
    expect((await after.status(active)).body).toMatchObject({ status: "canceled", image: current });
  });
});
