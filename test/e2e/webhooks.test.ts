import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configNames } from "../../service/config-names.js";
import { eventually, jobGroup, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { runsClient, type ApiBody, type RunsClient } from "../helpers/runs-client.js";
import { startServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";
import { bodiesById, eventOf, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "../helpers/webhook-receiver.js";

const apiKey = "webhooks-key-0123456789abcdef";
const secret = `whsec_${Buffer.alloc(32, 11).toString("base64")}`;
const final = ["succeeded", "failed", "canceled", "lost", "timed_out"];
const longRun = { EMULATOR_RUN_MS: "600000" };

/** The service's webhook settings: its receiver, its secret, one more listed origin, fast retries. */
function webhookEnv(operator: WebhookReceiver, listed: WebhookReceiver[]): Record<string, string> {
  return {
    [configNames.webhookUrl]: operator.url,
    [configNames.webhookSecret]: secret,
    [configNames.webhookAllowedOrigins]: listed.map((receiver) => receiver.origin).join(","),
    [configNames.webhookBackoffSeconds]: "0.1",
  };
}

/** The deliveries of run `runId`'s event of `type` at a receiver. */
const deliveriesOf = (receiver: WebhookReceiver, runId: string, type: string): ReceivedWebhook[] =>
  receiver.received.filter((delivery) => eventOf(delivery).data.id === runId && eventOf(delivery).type === type);

describe("two service processes on one store partition, delivering to local HTTPS receivers", () => {
  let trigger: Trigger;
  let operator: WebhookReceiver;
  let caller: WebhookReceiver;
  let unlisted: WebhookReceiver;
  let clients: RunsClient[];

  beforeAll(async () => {
    [operator, caller, unlisted] = await Promise.all([startWebhookReceiver(secret), startWebhookReceiver(secret), startWebhookReceiver(secret)]);
    const env = webhookEnv(operator, [caller]);
    trigger = await startTrigger({ apiKey, pool: 3, services: [env, env] });
    clients = trigger.services.map((service) => runsClient(service.url, apiKey));
  });

  afterAll(async () => {
    await trigger?.close();
    await Promise.all([operator, caller, unlisted].map((receiver) => receiver?.close()));
  });

  it("delivers every final event of every run, signed, and never two bodies under one webhook-id", async () => {
    const [a, b] = clients as [RunsClient, RunsClient];
    const started = async (client: RunsClient, body: unknown): Promise<string> => {
      const answer = await client.start(body);
      expect(answer.status).toBe(202);
      return answer.body.id!;
    };
    const canceled = await started(a, { env: longRun });
    const timedOut = await started(b, { env: longRun, timeoutSeconds: 1 });
    const lost = await started(a, { env: longRun });
    const ended = [
      await started(b, { env: { EMULATOR_EXIT_CODE: "0" } }),
      await started(a, { env: { EMULATOR_EXIT_CODE: "3" } }),
      await started(b, { env: { EMULATOR_EXIT_CODE: "0" } }),
      await started(a, { env: { EMULATOR_EXIT_CODE: "0" } }),
    ];
    expect((await b.cancel(canceled)).status).toBe(200);
    // A deployment re-creates the group under a running run: the run is lost.
    const running = await a.waitFor(lost, ["running"]);
    trigger.emulator.putGroup(testSubscriptionId, testResourceGroup, running.body.group!, jobGroup([{ name: "BASE", value: "1" }]), { terminated: true });

    const runIds = [canceled, timedOut, lost, ...ended];
    const statuses = new Map<string, string>();
    for (const id of runIds) statuses.set(id, (await b.waitFor(id, final, 30_000)).body.status!);
    expect(statuses.get(canceled)).toBe("canceled");
    expect(statuses.get(timedOut)).toBe("timed_out");
    expect(statuses.get(lost)).toBe("lost");
    expect(ended.map((id) => statuses.get(id))).toEqual(["succeeded", "failed", "succeeded", "succeeded"]);

    // Decided on the receiver's state: every run's final event has arrived.
    await eventually(
      async () => runIds.filter((id) => deliveriesOf(operator, id, `run.${statuses.get(id)}`).length === 0),
      (missing) => missing.length === 0,
      30_000,
    );
    expect(operator.received.every((delivery) => delivery.verified)).toBe(true);
    for (const id of runIds) {
      const [delivery] = deliveriesOf(operator, id, `run.${statuses.get(id)}`);
      expect(eventOf(delivery!).data).toMatchObject({ id, status: statuses.get(id) });
    }
    expect([...bodiesById(operator.received).values()].every((bodies) => bodies.size === 1)).toBe(true);
    expect(unlisted.received).toEqual([]);
  });

  it("sends a run's events to its own URL on a listed origin too, under ids of their own", async () => {
    const url = `${caller.url}/team-a`;
    const answer = await clients[1]!.start({ env: { EMULATOR_EXIT_CODE: "0" }, webhookUrl: url });
    expect(answer.status).toBe(202);
    const id = answer.body.id!;
    await clients[0]!.waitFor(id, ["succeeded"], 30_000);
    expect(((await clients[0]!.status(id)).body as ApiBody & { webhookUrl?: string }).webhookUrl).toBe(url);

    const [own] = await eventually(async () => deliveriesOf(caller, id, "run.succeeded"), (found) => found.length > 0, 30_000);
    const [operators] = await eventually(async () => deliveriesOf(operator, id, "run.succeeded"), (found) => found.length > 0, 30_000);
    expect(own).toMatchObject({ path: "/hook/team-a", verified: true });
    expect(own!.body).toBe(operators!.body);
    expect(own!.id).not.toBe(operators!.id);
    expect([...bodiesById([...caller.received, ...operator.received]).values()].every((bodies) => bodies.size === 1)).toBe(true);
  });

  it("refuses a run's URL on an unlisted origin at POST /runs, naming the setting, and never contacts it", async () => {
    const answer = await clients[0]!.start({ env: {}, webhookUrl: unlisted.url });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "WebhookUrlNotAllowed", message: expect.stringContaining(configNames.webhookAllowedOrigins) });
    expect(unlisted.received).toEqual([]);
  });
});

describe("a service restarted between a delivery's attempts", () => {
  let trigger: Trigger;
  let receiver: WebhookReceiver;
  let failing = true;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(secret, () => (failing ? 503 : 200));
    trigger = await startTrigger({ apiKey, services: [webhookEnv(receiver, [])] });
  });

  afterAll(async () => {
    await trigger?.close();
    await receiver?.close();
  });

  it("still delivers the event, under the same webhook-id and body", async () => {
    const first = runsClient(trigger.services[0]!.url, apiKey);
    const id = (await first.start({ env: { EMULATOR_EXIT_CODE: "0" } })).body.id!;
    await first.waitFor(id, ["succeeded"], 30_000);
    await eventually(async () => deliveriesOf(receiver, id, "run.succeeded"), (found) => found.length > 0, 30_000);
    expect(await trigger.services[0]!.stop()).toBe(0);

    failing = false;
    const next = await startServiceProcess({ ...trigger.env, ...webhookEnv(receiver, []) });
    trigger.services.push(next);
    const delivered = await eventually(
      async () => deliveriesOf(receiver, id, "run.succeeded"),
      (found) => found.some((delivery) => delivery.status === 200),
      30_000,
    );
    expect(delivered[0]!.status).toBe(503);
    expect(delivered.every((delivery) => delivery.verified)).toBe(true);
    expect(bodiesById(delivered).size).toBe(1);
    expect([...bodiesById(delivered).values()][0]!.size).toBe(1);
    const listed = await runsClient(next.url, apiKey).call("GET", `/runs/${id}/deliveries`);
    const events = (listed.body as { deliveries?: Array<{ id: string; type: string; state: string; attempts: Array<{ status?: number }> }> }).deliveries ?? [];
    expect(events.find((event) => event.type === "run.succeeded")).toMatchObject({ id: delivered[0]!.id, state: "delivered" });
  });
});
