import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "concurrency-key-0123456789";

describe("concurrent starts against the bundle", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let runs: RunsClient;

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey });
    ({ emulator } = trigger);
    [service] = trigger.services as [ServiceProcess];
    runs = runsClient(service.url, apiKey);
  });

  afterAll(() => trigger?.close());

  it("accepts exactly one of 30 concurrent starts and answers the other 29 with 409 RunInProgress naming it", async () => {
    emulator.clearRequests();
    // Long enough that no run can finish while the 30 are still being answered.
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => runs.start({ env: { EMULATOR_RUN_MS: "5000", N: String(i) } })));

    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(29);
    const winner = accepted[0]!.body.id;
    for (const answer of refused) expect(answer.body.error).toMatchObject({ code: "RunInProgress", runId: winner });
    expect(emulator.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
  });

  it("printed neither the API key nor a token", () => {
    expect(printedSecrets(service.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
  });
});
