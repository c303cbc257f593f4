import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { eventually } from "../helpers/emulator.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { runGroupPath, standbyTriggerEnv, startStandbyEmulator } from "../helpers/standby.js";

const apiKey = "throttled-standby-key-0123456789";

describe("standby: a claim ARM throttles past its budget frees its slot and goes back to the queue", () => {
  let emulator: Emulator;
  let service: ServiceProcess;
  let runs: RunsClient;

  const claims = () => emulator.requests.filter((r) => r.method === "PUT" && runGroupPath.test(r.path)).map((r) => ({ group: runGroupPath.exec(r.path)?.[1], status: r.status }));

  beforeAll(async () => {
    emulator = await startStandbyEmulator(1);
    service = await startServiceProcess(
      standbyTriggerEnv(emulator, apiKey, {
        // One slot: the run behind can only start once the throttled one's slot is free again.
        TRIGGER_MAX_ACTIVE_GROUPS: "1",
        TRIGGER_ARM_RETRY_TIMEOUT_MS: "1000",
        TRIGGER_RECONCILE_INTERVAL_MS: "200",
      }),
    );
    runs = runsClient(service.url, apiKey);
  });

  afterAll(async () => {
    await service?.stop();
    await emulator?.close();
  });

  it("never fails the throttled run, keeps its place, and claims its group with one applied PUT once ARM lets it", async () => {
    emulator.faults.add({ status: 429, retryAfterSeconds: 2, method: "PUT", path: runGroupPath, count: 1000 });
    const first = await runs.start({});
    expect(first.body).toMatchObject({ status: "queued", attempt: 1 });
    const second = await runs.start({});
    expect(second.body.status).toBe("queued");
    await eventually(async () => claims(), (seen) => seen.length >= 2);
    expect((await runs.waitFor(first.body.id!, ["queued", "failed"])).body.status).toBe("queued");

    emulator.faults.clear();
    const done = await runs.waitFor(first.body.id!, ["succeeded", "failed"]);
    expect(done.body).toMatchObject({ status: "succeeded", attempt: 1 });
    const later = await runs.waitFor(second.body.id!, ["succeeded", "failed"]);
    expect(later.body.status).toBe("succeeded");
    const applied = claims().filter((claim) => claim.status < 300);
    expect(applied.map((claim) => claim.group)).toStrictEqual([done.body.group, later.body.group]);
    expect(claims().filter((claim) => claim.group === later.body.group && claim.status >= 300)).toHaveLength(0);
  });
});
