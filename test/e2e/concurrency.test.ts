import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type ApiBody } from "../helpers/runs-client.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "concurrency-key-0123456789";
const noQueue = { TRIGGER_MAX_QUEUED: "0" };

describe("two replicas of the bundle sharing one group and one store", () => {
  let trigger: Trigger;
  let emulator: Emulator;

  const clients = () => trigger.services.filter((s) => s.child.exitCode === null).map((service) => runsClient(service.url, apiKey));

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: [noQueue, noQueue] });
    ({ emulator } = trigger);
  });

  afterAll(() => trigger?.close());

  it("accepts exactly one of 30 concurrent starts split across both, with one PUT, and refuses 29 with RunInProgress naming it", async () => {
    emulator.clearRequests();
    const [a, b] = clients() as [ReturnType<typeof runsClient>, ReturnType<typeof runsClient>];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).start({ env: { EMULATOR_RUN_MS: "600000", N: String(i) } })),
    );

    const accepted = answers.filter((x) => x.status === 202);
    const refused = answers.filter((x) => x.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(29);
    const winner = accepted[0]!.body.id;
    for (const answer of refused) expect(answer.body.error).toMatchObject({ code: "RunInProgress", runId: winner });
    expect(emulator.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
    expect((await b.cancel(winner!)).body.status).toBe("canceled");
  });

  it("lists every run with its final status after both replicas restarted", async () => {
    const [a, b] = clients() as [ReturnType<typeof runsClient>, ReturnType<typeof runsClient>];
    const ids: string[] = [];
    for (const [client, env] of [[a, { EMULATOR_EXIT_CODE: "0" }], [b, { EMULATOR_EXIT_CODE: "3" }], [a, { EMULATOR_EXIT_CODE: "0" }]] as const) {
      const started = await client.start({ env });
      expect(started.status).toBe(202);
      ids.push(started.body.id!);
      await client.waitFor(started.body.id!, ["succeeded", "failed"]);
    }
    for (const service of [...trigger.services]) expect(await service.stop()).toBe(0);
    trigger.services.push(await startServiceProcess({ ...trigger.env, ...noQueue }), await startServiceProcess({ ...trigger.env, ...noQueue }));

    const listed = await clients()[1]!.call("GET", "/runs?limit=100");
    const runs = (listed.body as { runs?: ApiBody[] }).runs ?? [];
    const byId = new Map(runs.map((run) => [run.id, run]));
    expect(byId.get(ids[0])).toMatchObject({ status: "succeeded", exitCode: 0 });
    expect(byId.get(ids[1])).toMatchObject({ status: "failed", exitCode: 3 });
    expect(byId.get(ids[2])).toMatchObject({ status: "succeeded", exitCode: 0 });
    expect(runs.map((run) => run.id).slice(0, 3)).toEqual([ids[2], ids[1], ids[0]]);
    expect(runs.filter((run) => run.status === "canceled")).toHaveLength(1);
  });

  it("printed neither the API key nor a token", () => {
    for (const service of trigger.services) {
      expect(printedSecrets(service.output(), { apiKey, identityHeader: emulator.identityHeader })).toEqual([]);
    }
  });
});
