import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followLog } from "../helpers/log-follow.js";
import { eventually } from "../helpers/emulator.js";
import { runsClient, type ApiAnswer } from "../helpers/runs-client.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "log-archive-key-0123456789";
const fast = { TRIGGER_LOG_COPY_INTERVAL_MS: "100" };
const numbered = (content: string | undefined) => (content ?? "").split("\n").filter((line) => /^line \d+$/.test(line));
const lineTexts = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `line ${from + i}`);

describe("a run's log archived while it runs, by two replicas", () => {
  let trigger: Trigger;
  const clients = () => trigger.services.map((service) => runsClient(service.url, apiKey));

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: [fast, fast] });
  });
  afterAll(() => trigger?.close());

  it("serves all 20,000 lines, in order, each once, after a later run re-created the group; a follower on the other replica gets every line and the end, resuming without a duplicate", async () => {
    const [a, b] = clients() as [ReturnType<typeof runsClient>, ReturnType<typeof runsClient>];
    const started = await a.start({ env: { EMULATOR_LOG_LINES: "20000", EMULATOR_LOG_LINES_PER_SECOND: "2500" } });
    expect(started.status).toBe(202);
    const id = started.body.id!;

    // Follow through the second replica, hang up after 5,000 lines, resume from the last one seen.
    const first = await followLog(trigger.services[1]!.url, apiKey, id, { stopAfter: 5000 });
    expect(first.contentType).toMatch(/^text\/event-stream/);
    const lastSeen = Number(first.events.filter((event) => event.event === "message").at(-1)!.id);
    const rest = await followLog(trigger.services[1]!.url, apiKey, id, { lastEventId: lastSeen });
    const lines = [...first.events, ...rest.events].filter((event) => event.event === "message");
    expect(lines.map((event) => Number(event.id))).toEqual(lines.map((_, i) => i + 1));
    expect(numbered(lines.map((event) => event.data).join("\n"))).toEqual(lineTexts(20_000));
    expect(rest.events.at(-1)).toEqual({ event: "end", id: String(lines.length), data: '{"status":"succeeded"}' });

    const next = await b.start({ env: { EMULATOR_EXIT_CODE: "0" } });
    await b.waitFor(next.body.id!, ["succeeded"]);
    expect(next.body.group ?? (await b.status(next.body.id!)).body.group).toBe(started.body.group ?? "job");

    const logs = await a.logs(id);
    expect(logs.status).toBe(200);
    expect(numbered(logs.body.content)).toEqual(lineTexts(20_000));
    expect(logs.body.content).not.toContain("[log archive]");
    expect((await a.status(id)).body).toMatchObject({ status: "succeeded", log: "complete" });
    const text = await fetch(`${trigger.services[0]!.url}/runs/${id}/logs?tail=2`, { headers: { authorization: `Bearer ${apiKey}`, accept: "text/plain" } });
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await text.text()).toBe(logs.body.content!.split("\n").slice(-3).join("\n"));
  });

  it("keeps the log a canceled run had, after its group went to the next run", async () => {
    const [a, b] = clients() as [ReturnType<typeof runsClient>, ReturnType<typeof runsClient>];
    const started = await a.start({ env: { EMULATOR_LOG_LINES: "1000000", EMULATOR_LOG_LINES_PER_SECOND: "500" } });
    const id = started.body.id!;
    const seen = numbered((await eventually(() => b.logs(id), (answer: ApiAnswer) => numbered(answer.body.content).length >= 300)).body.content).length;
    expect((await a.cancel(id)).body.status).toBe("canceled");

    const next = await b.start({ env: { EMULATOR_EXIT_CODE: "0" } });
    await b.waitFor(next.body.id!, ["succeeded"]);

    const kept = numbered((await a.logs(id)).body.content);
    expect(kept.length).toBeGreaterThanOrEqual(seen);
    expect(kept).toEqual(lineTexts(kept.length));
    expect((await a.status(id)).body).toMatchObject({ status: "canceled", log: "complete" });
  });
});
