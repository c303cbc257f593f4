import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { eventually, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "shutdown-key-0123456789";
const putDelayMs = 1000;

describe("SIGTERM while a start is in flight", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey });
    ({ emulator } = trigger);
    [service] = trigger.services as [ServiceProcess];
  });

  afterAll(() => trigger?.close());

  it("finishes the in-flight start, answers 202, then exits 0", async () => {
    emulator.faults.add({ method: "PUT", delayMs: putDelayMs });
    const inFlight = runsClient(service.url, apiKey).start({ env: { SLOW: "put" } });
    await eventually(async () => emulator.requests.some((r) => r.method === "PUT"), (seen) => seen);

    service.child.kill("SIGTERM");
    // A second signal joins the same graceful close instead of killing the process.
    service.child.kill("SIGTERM");
    const answer = await inFlight;
    const code = service.child.exitCode ?? (await once(service.child, "exit"))[0];

    expect(answer.status).toBe(202);
    expect(code).toBe(0);
    const stored = emulator.getStoredGroup(testSubscriptionId, testResourceGroup, "job") as { tags: Record<string, string> };
    expect(stored.tags["trigger-run-id"]).toBe(answer.body.id);

    const messages = service.lines.map((line) => `${String(line["msg"])}${line["status"] === undefined ? "" : ` ${String(line["status"])}`}`);
    const shuttingDown = messages.indexOf("shutting down");
    const answered = messages.indexOf("request 202");
    const stopped = messages.indexOf("stopped");
    expect(shuttingDown).toBeGreaterThan(-1);
    expect(answered).toBeGreaterThan(shuttingDown);
    expect(stopped).toBeGreaterThan(answered);
    // The caller's kept-alive connection was closed as soon as its answer was sent: the process
    // stopped without waiting out the grace period that forces connections closed.
    expect(messages).not.toContain("grace period over");
  });

  it("printed neither the API key nor a token", () => {
    expect(printedSecrets(service.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
  });
});

describe("SIGTERM while the loop's start of a queued run waits for ARM", () => {
  it("waits for ARM's answer, records what came of it, then exits 0", async () => {
    const trigger = await startTrigger({ apiKey });
    const [service] = trigger.services as [ServiceProcess];
    let after: ServiceProcess | undefined;
    try {
      const runs = runsClient(service.url, apiKey);
      const first = await runs.start({ env: { MARK: "first" } });
      const second = await runs.start({ env: { MARK: "second" } });
      expect([first.body.status, second.body.status]).toEqual(["starting", "queued"]);
      // ARM refuses the loop's PUT of the queued run, but holds its answer until the shutdown began.
      let answer = () => {};
      trigger.emulator.faults.add({ method: "PUT", status: 400, code: "InvalidRequestContent", until: new Promise<void>((resolve) => (answer = resolve)) });
      await eventually(async () => trigger.emulator.requests.some((r) => r.method === "PUT" && JSON.stringify(r.body).includes(second.body.id!)), (seen) => seen);

      service.child.kill("SIGTERM");
      await eventually(async () => service.lines.some((line) => line["msg"] === "shutting down"), (seen) => seen);
      answer();
      const code = service.child.exitCode ?? (await once(service.child, "exit"))[0];
      expect(code).toBe(0);

      // The refusal was recorded before the process exited: another replica reads the run as failed.
      after = await startServiceProcess(trigger.env);
      const stored = await runsClient(after.url, apiKey).status(second.body.id!);
      expect(stored.body).toMatchObject({ status: "failed" });
      expect(stored.body.message).toContain("InvalidRequestContent");
    } finally {
      await after?.stop();
      await trigger.close();
    }
  });
});
