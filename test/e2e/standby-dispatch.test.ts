import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { armClient, eventually, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type ApiAnswer, type RunsClient } from "../helpers/runs-client.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { runGroupPath, standbyCalls, standbyTriggerEnv, startStandbyEmulator } from "../helpers/standby.js";

const apiKey = "standby-dispatch-key-0123456789";

/** The run groups' PUTs and DELETEs the emulator answered, in arrival order. */
function groupCalls(emulator: Emulator, method: "PUT" | "DELETE") {
  return emulator.requests.filter((r) => r.method === method && runGroupPath.test(r.path) && r.status < 300).map((r) => runGroupPath.exec(r.path)?.[1] ?? "");
}

/** The most run groups that existed at once, by the emulator's accepted claims and deletes. */
function mostGroupsAtOnce(emulator: Emulator): number {
  let now = 0;
  let most = 0;
  for (const r of emulator.requests) {
    if (!runGroupPath.test(r.path) || r.status >= 300) continue;
    if (r.method === "PUT" && r.status === 201) most = Math.max(most, ++now);
    if (r.method === "DELETE" && r.status !== 204) now -= 1;
  }
  return most;
}

describe("standby dispatch: two replicas claim a group per run from a standby pool", () => {
  let emulator: Emulator;
  const services: ServiceProcess[] = [];
  let env: Record<string, string>;

  const start = async (overrides: Record<string, string>): Promise<[RunsClient, RunsClient]> => {
    const pair = await Promise.all([startServiceProcess({ ...env, ...overrides }), startServiceProcess({ ...env, ...overrides })]);
    services.push(...pair);
    return [runsClient(pair[0].url, apiKey), runsClient(pair[1].url, apiKey)];
  };
  const startTen = (a: RunsClient, b: RunsClient, body: (i: number) => unknown) => Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).start(body(i))));
  const idsOf = (answers: ApiAnswer[]) => answers.map((answer) => answer.body.id ?? "");

  beforeAll(async () => {
    emulator = await startStandbyEmulator(3);
    env = standbyTriggerEnv(emulator, apiKey, { TRIGGER_RETRY_BACKOFF_SECONDS: "0.05" });
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await emulator?.close();
  });

  describe("with room for every run", () => {
    let a: RunsClient;
    let b: RunsClient;
    beforeAll(async () => {
      [a, b] = await start({ TRIGGER_MAX_ACTIVE_GROUPS: "20" });
    });

    it("gives 10 concurrent starts on 3 ready instances 3 claims and 7 cold creates, one PUT each, all succeeding, each group deleted after its run", async () => {
      emulator.clearRequests();
      const answers = await startTen(a, b, (i) => ({ env: { N: String(i) } }));
      expect(answers.map((answer) => answer.status)).toStrictEqual(Array(10).fill(202));
      const ended = await Promise.all(idsOf(answers).map((id) => a.waitFor(id, ["succeeded", "failed", "lost", "timed_out", "canceled"])));
      expect(ended.map((answer) => answer.body.status)).toStrictEqual(Array(10).fill("succeeded"));
      const paths = ended.map((answer) => (answer.body as { startPath?: string }).startPath);
      expect(paths.filter((path) => path === "standby")).toHaveLength(3);
      expect(paths.filter((path) => path === "cold")).toHaveLength(7);

      const groups = ended.map((answer) => answer.body.group ?? "");
      expect(new Set(groups).size).toBe(10);
      expect(groupCalls(emulator, "PUT").sort()).toStrictEqual([...groups].sort());
      await eventually(async () => groups.filter((group) => emulator.getStoredGroup(testSubscriptionId, testResourceGroup, group) !== undefined), (left) => left.length === 0);
      expect(new Set(groupCalls(emulator, "DELETE"))).toStrictEqual(new Set(groups));
      // Each group went only after its run's last copy: the log outlives it, whole.
      for (const id of idsOf(answers)) {
        expect((await b.status(id)).body).toMatchObject({ log: "complete" });
        expect((await b.logs(id)).body.content).toContain(`TRIGGER_RUN_ID=${id}`);
      }
    });

    it("reports the profile and the pool readable at /readyz, with no fixed group to read", async () => {
      const ready = await a.call("GET", "/readyz");
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toMatchObject({ store: "ok", arm: "ok", secrets: "skipped" });
    });

    it("gives the job its run's env through the config map and the launcher, and refuses a secret's name there", async () => {
      const started = await a.start({ env: { GREETING: "hello from the config map", EMULATOR_RUN_MS: "600000" } });
      const id = started.body.id ?? "";
      const running = await b.waitFor(id, ["running"]);
      const group = running.body.group ?? "";
      expect(emulator.standby.configMapFiles(testSubscriptionId, testResourceGroup, group)).toMatchObject({
        "/mnt/configmap/job/GREETING": "hello from the config map",
        "/mnt/configmap/job/TRIGGER_RUN_ID": id,
        "/mnt/configmap/job/TRIGGER_ATTEMPT": "1",
      });
      // The log is served from the run's archive, which the observing replica fills as it copies.
      const logs = await eventually(() => a.logs(id), (answer) => answer.body.content?.includes(`TRIGGER_RUN_ID=${id}`) === true);
      expect(logs.body.content).toContain("GREETING=hello from the config map");
      expect((await b.cancel(id)).body.status).toBe("canceled");

      const exit = await b.start({ env: { EMULATOR_EXIT_CODE: "3" } });
      expect((await a.waitFor(exit.body.id ?? "", ["failed"])).body).toMatchObject({ status: "failed", exitCode: 3 });

      const secret = await a.start({ env: { API_TOKEN: "not in a config map" } });
      expect(secret.body.error).toMatchObject({ code: "SecureVariableOverride" });
      expect(emulator.requests.some((r) => JSON.stringify(r.body ?? "").includes("not in a config map"))).toBe(false);
    });

    it("runs a retry in a group of its own, once the failed attempt's group is deleted", async () => {
      const started = await a.start({ env: { EMULATOR_EXIT_CODES: "4,0" }, maxRetries: 1 });
      const id = started.body.id ?? "";
      // A slot freed on a stale copy of the first attempt once left the retry's group for ever
      // (test/service/standby-retry-slots.test.ts); the bound is only where a state that never comes is reported.
      const ended = await b.waitFor(id, ["succeeded", "failed", "lost", "canceled", "timed_out"], 60_000);
      expect(ended.body).toMatchObject({ status: "succeeded", attempt: 2 });
      const groups = (ended.body.attempts ?? []).map((attempt) => attempt.group ?? "");
      expect(groups).toHaveLength(2);
      expect(groups[0]).not.toBe(groups[1]);
      expect(ended.body.attempts?.[0]).toMatchObject({ status: "failed", exitCode: 4 });
      await eventually(async () => groups.filter((group) => emulator.getStoredGroup(testSubscriptionId, testResourceGroup, group) !== undefined), (left) => left.length === 0, 60_000);
      // The second attempt was claimed only after the first one's group was deleted.
      // (a replica that deletes a group another one deleted first gets 204, and deleted nothing)
      const calls = emulator.requests.filter((r) => groups.some((group) => r.path.endsWith(`/${group}`)) && (r.method === "PUT" ? r.status < 300 : r.method === "DELETE" && r.status < 204));
      expect(calls.map((r) => `${r.method} ${runGroupPath.exec(r.path)?.[1]}`).slice(0, 3)).toStrictEqual([`PUT ${groups[0]}`, `DELETE ${groups[0]}`, `PUT ${groups[1]}`]);
    }, 150_000);

    it("ends `lost` a run whose group is deleted under it, and frees its slot", async () => {
      const started = await b.start({ env: { EMULATOR_RUN_MS: "600000" } });
      const id = started.body.id ?? "";
      const group = (await a.waitFor(id, ["running"])).body.group ?? "";
      const { call } = standbyCalls({ client: armClient(emulator).client, emulator });
      expect((await call("DELETE", `/subscriptions/${testSubscriptionId}/resourceGroups/${testResourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${group}?api-version=2025-09-01`)).status).toBe(200);
      expect((await a.waitFor(id, ["lost", "succeeded", "failed", "canceled"])).body.status).toBe("lost");
      const next = await a.start({ env: {} });
      expect((await b.waitFor(next.body.id ?? "", ["succeeded"])).body.status).toBe("succeeded");
    });
  });

  describe("with a quota of 3 groups", () => {
    it("queues what the quota cannot take: at most 3 groups at once, and all 10 runs succeed", async () => {
      const [a, b] = await start({ TRIGGER_MAX_ACTIVE_GROUPS: "3", TRIGGER_STORAGE_PARTITION: `${env["TRIGGER_STORAGE_PARTITION"]}-quota` });
      emulator.clearRequests();
      const answers = await startTen(a, b, (i) => ({ env: { N: String(i), EMULATOR_RUN_MS: "200" } }));
      expect(answers.map((answer) => answer.status)).toStrictEqual(Array(10).fill(202));
      expect(answers.filter((answer) => answer.body.status === "queued").length).toBeGreaterThanOrEqual(7);
      const ended = await Promise.all(idsOf(answers).map((id) => b.waitFor(id, ["succeeded", "failed", "lost", "timed_out", "canceled"], 40_000)));
      expect(ended.map((answer) => answer.body.status)).toStrictEqual(Array(10).fill("succeeded"));
      expect(groupCalls(emulator, "PUT")).toHaveLength(10);
      expect(mostGroupsAtOnce(emulator)).toBe(3);
    });
  });

  it("printed neither the API key nor a token", () => {
    for (const service of services) expect(printedSecrets(service.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
  });
});
