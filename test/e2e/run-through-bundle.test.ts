import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { emulatorClientEnv, eventually, jobGroup, startTestEmulator, testClientId, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { freshPartition, storageEnv } from "../helpers/store.js";

const apiKey = "e2e-key-0123456789abcdef";
const auth = { authorization: `Bearer ${apiKey}` };
const json = { ...auth, "content-type": "application/json" };

describe("the bundle, run with plain node from an empty folder", () => {
  let emulator: Emulator;
  let service: ServiceProcess;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup([{ name: "BASE", value: "1" }, { name: "DB_PASSWORD", secureValue: "s3cret-value" }]), { terminated: true });
    service = await startServiceProcess({
      ...emulatorClientEnv(emulator),
      AZURE_SUBSCRIPTION_ID: testSubscriptionId,
      ACI_RESOURCE_GROUP: testResourceGroup,
      ACI_CONTAINER_GROUP: "job",
      AZURE_CLIENT_ID: testClientId,
      TRIGGER_API_KEYS: apiKey,
      ACI_SECRETS: JSON.stringify({ env: { job: { DB_PASSWORD: "s3cret-value" } } }),
      ...storageEnv(freshPartition()),
    });
  });

  afterAll(async () => {
    await service?.stop();
    await emulator?.close();
  });

  it("takes a run from POST to succeeded with the run's env in the container's logs", async () => {
    emulator.clearRequests();
    const started = await fetch(`${service.url}/runs`, { method: "POST", headers: json, body: JSON.stringify({ env: { GREETING: "hello" } }) });
    expect(started.status).toBe(202);
    const run = (await started.json()) as { id: string; status: string };
    expect(run.status).toBe("starting");
    expect(started.headers.get("location")).toBe(`/runs/${run.id}`);
    // The floor of a start: one read of the group to re-create it from, and its one PUT.
    expect(emulator.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
    expect(emulator.requests[0]?.method).toBe("GET");

    const done = await eventually(
      async () => (await (await fetch(`${service.url}/runs/${run.id}`, { headers: auth })).json()) as { status: string; exitCode?: number },
      (view) => view.status === "succeeded",
    );
    expect(done.exitCode).toBe(0);

    const logs = (await (await fetch(`${service.url}/runs/${run.id}/logs`, { headers: auth })).json()) as { content: string };
    expect(logs.content).toContain("GREETING=hello");
    expect(logs.content).toContain(`TRIGGER_RUN_ID=${run.id}`);
    expect(service.output()).not.toContain("s3cret-value");
    expect(service.output()).not.toContain(apiKey);
  });

  it("exits 0 on SIGTERM", async () => {
    expect(await service.stop()).toBe(0);
  });
});
