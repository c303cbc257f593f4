import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { eventually } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "arm-access-key-0123456789";

describe("ARM refusing the service's identity, seen by the bundle", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let runs: RunsClient;

  const authorizationFailed = { status: 403, code: "AuthorizationFailed", message: "The client does not have authorization to perform action." };

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: [{ TRIGGER_RECONCILE_INTERVAL_MS: "600000" }] });
    ({ emulator } = trigger);
    [service] = trigger.services as [ServiceProcess];
    runs = runsClient(service.url, apiKey);
  });

  afterEach(() => {
    emulator.faults.clear();
    emulator.clearRequests();
  });

  afterAll(() => trigger?.close());

  it("answers 502 ArmAccessDenied when the identity may not read the group, and sends no PUT", async () => {
    emulator.faults.add({ ...authorizationFailed, method: "GET", count: 1 });
    const answer = await runs.start({ env: { INPUT: "a" } });

    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe("ArmAccessDenied");
    expect(answer.body.error?.message).not.toContain("authorization to perform");
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 403"]);
  });

  it("answers 502 ArmAccessDenied when the identity may read but not write the group", async () => {
    emulator.faults.add({ ...authorizationFailed, method: "PUT", count: 1 });
    const answer = await runs.start({ env: { INPUT: "b" } });

    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe("ArmAccessDenied");
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200", "PUT 403"]);
  });

  it("stays in rotation while ARM refuses the identity, reporting the ARM check as failed to a key holder", async () => {
    // ARM is read for readiness at most every 15 s; this is the first round, and the probe waits
    // for it (a slow machine may need a second probe to see the round's answer).
    emulator.faults.add({ ...authorizationFailed, method: "GET", count: 1 });
    const keyHolder = runsClient(service.url, apiKey);
    const probe = await eventually(() => keyHolder.call("GET", "/readyz"), (answer) => answer.body.checks?.["arm"] !== "skipped");

    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({ status: "degraded", checks: { config: "ok", store: "ok", arm: "failed" } });
    expect(JSON.stringify(probe.body)).toContain("ArmAccessDenied");
  });

  it("printed neither the API key nor a token", () => {
    expect(printedSecrets(service.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
  });
});
