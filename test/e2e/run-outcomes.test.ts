import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "outcomes-key-0123456789";
const securePassword = "outcomes-db-password-value";

describe("run outcomes through the bundle: failure, failed provisioning, cancel, nothing left to cancel", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let runs: RunsClient;

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, securePassword });
    ({ emulator } = trigger);
    [service] = trigger.services as [ServiceProcess];
    runs = runsClient(service.url, apiKey);
  });

  afterAll(() => trigger?.close());

  it("reports a run whose container exits with 3 as failed with exit code 3", async () => {
    const started = await runs.start({ env: { EMULATOR_EXIT_CODE: "3" } });
    expect(started.status).toBe(202);

    const done = await runs.waitFor(started.body.id!, ["succeeded", "failed", "canceled"]);
    expect(done.body).toMatchObject({ id: started.body.id, status: "failed", exitCode: 3 });
    expect(done.body.finishedAt).toEqual(expect.any(String));
  });

  it("reports a run whose image cannot be pulled as failed with ARM's message, and accepts the next run", async () => {
    const started = await runs.start({ env: { EMULATOR_PULL_FAILURE: "1" } });
    expect(started.status).toBe(202);
    const id = started.body.id!;

    const done = await runs.waitFor(id, ["succeeded", "failed", "canceled"]);
    expect(done.body).toMatchObject({ id, status: "failed" });
    expect(done.body.message).toMatch(/Failed to pull image "registry\.example\/job:1": .*not found/);
    expect(done.body).not.toHaveProperty("exitCode");
    expect((await runs.logs(id)).body).toEqual({ id, content: "", lines: 0 });

    const next = await runs.start({});
    expect(next.status).toBe(202);
    expect((await runs.waitFor(next.body.id!, ["succeeded", "failed", "canceled"])).body.status).toBe("succeeded");
  });

  it("cancels a long run: the group gets a stop request and the run reads canceled", async () => {
    const started = await runs.start({ env: { EMULATOR_RUN_MS: "5000" } });
    expect(started.status).toBe(202);
    const id = started.body.id!;
    await runs.waitFor(id, ["running"]);
    emulator.clearRequests();

    const canceled = await runs.cancel(id);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ id, status: "canceled" });
    const stops = emulator.requests.filter((r) => r.method === "POST" && r.path.toLowerCase().endsWith("/containergroups/job/stop"));
    expect(stops.map((r) => r.status)).toEqual([204]);

    expect((await runs.status(id)).body.status).toBe("canceled");
  });

  it("refuses to cancel a canceled run with 409 RunNotActive naming its final status", async () => {
    const started = await runs.start({ env: { EMULATOR_RUN_MS: "5000" } });
    const id = started.body.id!;
    await runs.waitFor(id, ["running"]);
    expect((await runs.cancel(id)).status).toBe(200);
    emulator.clearRequests();

    const again = await runs.cancel(id);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "RunNotActive", runId: id, status: "canceled" });
    expect(emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("refuses to cancel a run that succeeded with 409 RunNotActive, sending no stop", async () => {
    const started = await runs.start({});
    const id = started.body.id!;
    await runs.waitFor(id, ["succeeded"]);
    emulator.clearRequests();

    const cancel = await runs.cancel(id);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toMatchObject({ code: "RunNotActive", runId: id, status: "succeeded" });
    expect(emulator.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("printed neither the API key, the secure value nor a token in the whole file", () => {
    expect(printedSecrets(service.output(), { apiKey, securePassword, identityHeader: emulator.identityHeader })).toEqual([]);
  });
});
