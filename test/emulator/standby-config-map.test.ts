import { beforeAll, describe, expect, it } from "vitest";
import { jobGroup, manualClock, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";
import { aciVersion, claimBody, groupAt, poolSteps, previewVersion, profileBody, profileId, standbyCalls } from "../helpers/standby.js";

// A claimed group's job: its config map reaches it through the launcher; it is then a group like
// any other (read, logs, deleted), and plain groups read as recorded at the standby api-versions.
const clock = manualClock();
const timings = { claimMs: 0, coldCreateMs: 2_000, refillMs: 1_000 };
const arm = useArmEmulator({ clock: clock.now, standby: timings, timings: { pendingMs: 5, creatingMs: 5, runMs: 500 } });
const { call } = standbyCalls(arm);
const { readyPool, runtimeCounts } = poolSteps(call, clock, timings.refillMs);

beforeAll(async () => {
  await call("PUT", `${profileId("worker")}?api-version=${aciVersion}`, profileBody());
  await call("PUT", `${profileId("plain")}?api-version=${aciVersion}`, profileBody({ command: ["node", "job.js"] }));
});

describe("the config map reaches the job through the launcher", () => {
  it("gives a launched container its config map's pairs as env: the demo job's switches and its printed lines", async () => {
    await readyPool("env", "worker");
    await call("PUT", groupAt("launched"), claimBody("worker", "env", { pairs: { EMULATOR_EXIT_CODE: "3", EMULATOR_RUN_MS: "50", GREETING: "hello" } }));
    expect(arm.emulator.standby.configMapFiles(sub, rg, "launched")).toEqual({
      "/mnt/configmap/job/EMULATOR_EXIT_CODE": "3",
      "/mnt/configmap/job/EMULATOR_RUN_MS": "50",
      "/mnt/configmap/job/GREETING": "hello",
    });
    clock.advance(50);
    const ended = (await call("GET", groupAt("launched"))).body.properties;
    expect(ended.instanceView.state).toBe("Failed");
    expect(ended.containers[0].properties.instanceView.currentState).toMatchObject({ state: "Terminated", exitCode: 3 });
    expect(ended.containers[0].properties.environmentVariables).toEqual([{ name: "JOB_MODE", value: "standby" }, { name: "API_TOKEN" }]);
    const logs = await call("GET", groupAt("launched", aciVersion, "/containers/job/logs"));
    expect(logs.body.content.split("\n")).toEqual(expect.arrayContaining(["JOB_MODE=standby", "API_TOKEN=[secure]", "GREETING=hello", "EMULATOR_EXIT_CODE=3", "exit code 3"]));
  });

  it("is running at the claim whatever provisioning knobs its config map holds: the pool provisioned it", async () => {
    await readyPool("knobs", "worker");
    const answer = await call("PUT", groupAt("knobs"), claimBody("worker", "knobs", { pairs: { EMULATOR_PENDING_MS: "60000", EMULATOR_PULL_FAILURE: "yes" } }));
    expect(answer.body.properties).toMatchObject({ provisioningState: "Succeeded", instanceView: { state: "Running" } });
  });

  it("leaves the env of a container not started through the launcher alone", async () => {
    await readyPool("plain-pool", "plain");
    await call("PUT", groupAt("unlaunched"), claimBody("plain", "plain-pool", { pairs: { EMULATOR_EXIT_CODE: "3", EMULATOR_RUN_MS: "50" } }));
    clock.advance(500);
    const container = (await call("GET", groupAt("unlaunched"))).body.properties.containers[0];
    expect(container.properties.instanceView.currentState).toMatchObject({ state: "Terminated", exitCode: 0 });
  });
});

describe("a claimed group afterwards", () => {
  it("is deleted with 200 and its body, then reads 404", async () => {
    await readyPool("deleting", "worker");
    await call("PUT", groupAt("to-delete"), claimBody("worker", "deleting"));
    const deleted = await call("DELETE", groupAt("to-delete"));
    expect([deleted.status, deleted.body.properties.isCreatedFromStandbyPool]).toEqual([200, true]);
    expect((await call("GET", groupAt("to-delete"))).status).toBe(404);
  });

  it("shows no standby property at 2023-05-01, where the SDK reads it, and its logs there too", async () => {
    await readyPool("old-reader", "worker");
    await call("PUT", groupAt("read-old"), claimBody("worker", "old-reader", { pairs: { GREETING: "hi" } }));
    const group = await arm.client.containerGroups.get(rg, "read-old");
    expect(group.containers[0]?.instanceView?.currentState?.state).toBe("Running");
    const wire = (await call("GET", groupAt("read-old", "2023-05-01"))).body.properties;
    expect(wire).not.toHaveProperty("isCreatedFromStandbyPool");
    expect(wire).not.toHaveProperty("containerGroupProfile");
    expect(wire.containers[0].properties).not.toHaveProperty("configMap");
    expect((await arm.client.containers.listLogs(rg, "read-old", "job")).content).toContain("GREETING=hi");
  });
});

describe("plain groups at the standby api-versions", () => {
  it("shows isCreatedFromStandbyPool false and an empty config map, as recorded at 2024-05-01-preview", async () => {
    const put = await call("PUT", groupAt("plain-group", aciVersion), jobGroup());
    expect([put.status, put.headers["location"] === undefined]).toEqual([201, false]);
    const read = (await call("GET", groupAt("plain-group", previewVersion))).body.properties;
    expect(read.isCreatedFromStandbyPool).toBe(false);
    expect(read.containers[0].properties.configMap).toEqual({ keyValuePairs: {} });
  });

  it("treats a config map sent with a plain group as env for a launched container", async () => {
    const body = jobGroup([], {}) as any;
    body.properties.containers[0].properties.command = ["/bin/sh", "/aci-trigger/launch", "node", "job.js"];
    body.properties.containers[0].properties.configMap = { keyValuePairs: { EMULATOR_EXIT_CODE: "4", EMULATOR_RUN_MS: "10" } };
    await call("PUT", groupAt("plain-launched", aciVersion), body);
    clock.advance(100);
    expect((await call("GET", groupAt("plain-launched"))).body.properties.containers[0].properties.instanceView.currentState.exitCode).toBe(4);
  });
});
