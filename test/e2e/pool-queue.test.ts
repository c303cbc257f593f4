import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/emulator.js";
import { runsClient, type ApiBody, type RunsClient } from "../helpers/runs-client.js";
import { startServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "pool-queue-key-0123456789";
const terminal = ["succeeded", "failed", "canceled", "lost"];

/** The run id each PUT carried, in the order ARM received them. */
function putRunIds(trigger: Trigger): string[] {
  return trigger.emulator.requests
    .filter((r) => r.method === "PUT")
    .map((r) => (r.body as { tags?: Record<string, string> }).tags?.["trigger-run-id"] ?? "");
}

/** The most runs whose containers ran at the same moment, from the times the store recorded. */
function mostAtOnce(runs: ApiBody[]): number {
  const edges = runs.flatMap((run) => [
    { at: Date.parse(run.startedAt ?? ""), delta: 1 },
    { at: Date.parse(run.finishedAt ?? ""), delta: -1 },
  ]);
  edges.sort((x, y) => x.at - y.at || x.delta - y.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.delta));
  return most;
}

describe("a pool of three groups and a queue, served by two replicas", () => {
  let trigger: Trigger;
  let clients: RunsClient[];

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, pool: 3, services: [{}, {}] });
    clients = trigger.services.map((service) => runsClient(service.url, apiKey));
  });

  afterAll(() => trigger?.close());

  it("dispatches 3 of 10 concurrent starts at once, queues 7, and runs all 10 to success, never more than 3 at a time", async () => {
    trigger.emulator.clearRequests();
    const answers = await Promise.all(
      // Runs long enough that none ends while the ten starts are still being answered.
      Array.from({ length: 10 }, (_, i) => clients[i % 2]!.start({ env: { EMULATOR_RUN_MS: "2000", N: String(i) } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(answers.filter((a) => a.body.status === "starting")).toHaveLength(3);
    expect(answers.filter((a) => a.body.status === "queued")).toHaveLength(7);

    const ended = await Promise.all(answers.map((a) => clients[0]!.waitFor(a.body.id!, terminal, 60_000)));
    expect(ended.map((e) => e.body.status)).toEqual(Array(10).fill("succeeded"));
    expect(new Set(ended.map((e) => e.body.group))).toEqual(new Set(trigger.groups));
    expect(mostAtOnce(ended.map((e) => e.body))).toBeLessThanOrEqual(3);
    // Exactly one PUT per run: none was sent twice, and none replaced a running group (its run would read lost).
    expect(putRunIds(trigger).sort()).toEqual(answers.map((a) => a.body.id).sort());
  });

  it("dispatches queued runs in the order they were accepted", async () => {
    trigger.emulator.clearRequests();
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const answer = await clients[i % 2]!.start({ env: { EMULATOR_RUN_MS: "500", ORDER: String(i) } });
      expect(answer.status).toBe(202);
      ids.push(answer.body.id!);
    }
    const ended = await Promise.all(ids.map((id) => clients[1]!.waitFor(id, terminal, 60_000)));
    // A replica claims only the queue's head, which moves on once the claim before committed: their times follow the dispatch order.
    const dispatched = ended.map((e) => Date.parse(e.body.dispatchedAt ?? ""));
    for (let i = 1; i < dispatched.length; i += 1) expect(dispatched[i]).toBeGreaterThanOrEqual(dispatched[i - 1]!);
    expect(putRunIds(trigger).sort()).toEqual([...ids].sort());
  });
});

describe("the queue's bounds and a replica that dies", () => {
  let trigger: Trigger;

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: [{ TRIGGER_MAX_QUEUED: "2" }] });
  });

  afterAll(() => trigger?.close());

  it("answers 409 QueueFull once TRIGGER_MAX_QUEUED runs wait, and a canceled queued run never starts", async () => {
    const runs = runsClient(trigger.services[0]!.url, apiKey);
    const holding = await runs.start({ env: { EMULATOR_RUN_MS: "600000" } });
    const queued = [await runs.start({ env: { Q: "1" } }), await runs.start({ env: { Q: "2" } })];
    expect(queued.map((a) => a.body.status)).toEqual(["queued", "queued"]);
    const full = await runs.start({ env: { Q: "3" } });
    expect(full.status).toBe(409);
    expect(full.body.error?.code).toBe("QueueFull");

    expect((await runs.cancel(queued[0]!.body.id!)).body.status).toBe("canceled");
    expect((await runs.cancel(holding.body.id!)).body.status).toBe("canceled");
    await runs.waitFor(queued[1]!.body.id!, ["succeeded"]);
    expect(putRunIds(trigger)).not.toContain(queued[0]!.body.id);
    expect((await runs.status(queued[0]!.body.id!)).body.status).toBe("canceled");
  });

  it("drains the queue after the only replica was killed and a new one started", async () => {
    const first = runsClient(trigger.services[0]!.url, apiKey);
    const ids = [(await first.start({ env: { EMULATOR_RUN_MS: "1000" } })).body.id!];
    for (let i = 0; i < 2; i += 1) ids.push((await first.start({ env: { AFTER_KILL: String(i) } })).body.id!);
    expect((await first.status(ids[2]!)).body.status).toBe("queued");

    trigger.services[0]!.child.kill("SIGKILL");
    await eventually(async () => trigger.services[0]!.child.exitCode ?? trigger.services[0]!.child.signalCode, (gone) => gone !== null);
    trigger.services.push(await startServiceProcess({ ...trigger.env, TRIGGER_MAX_QUEUED: "2" }));
    const second = runsClient(trigger.services[1]!.url, apiKey);

    for (const id of ids) expect((await second.waitFor(id, terminal, 60_000)).body.status).toBe("succeeded");
  });
});
