import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runsClient } from "../helpers/runs-client.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "log-archive-cap-key-0123456789";
const maxBytes = 65_536;
const numberOf = (line: string) => Number(/^line (\d+)$/.exec(line)?.[1] ?? Number.NaN);

describe("a run that prints more than TRIGGER_LOG_ARCHIVE_MAX_BYTES", () => {
  let trigger: Trigger;

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey, services: [{ TRIGGER_LOG_COPY_INTERVAL_MS: "100", TRIGGER_LOG_ARCHIVE_MAX_BYTES: String(maxBytes) }] });
  });
  afterAll(() => trigger?.close());

  it("keeps its head and its tail within the cap, and says what was dropped between", async () => {
    const runs = runsClient(trigger.services[0]!.url, apiKey);
    const started = await runs.start({ env: { EMULATOR_LOG_LINES: "20000", EMULATOR_LOG_LINES_PER_SECOND: "5000" } });
    const id = started.body.id!;
    await runs.waitFor(id, ["succeeded"]);
    // The next run re-creates the group: from here on only the archive holds the first run's log.
    const next = await runs.start({ env: { EMULATOR_EXIT_CODE: "0" } });
    await runs.waitFor(next.body.id!, ["succeeded"]);

    const content = (await runs.logs(id)).body.content ?? "";
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(maxBytes);
    const lines = content.split("\n");
    const full = lines.findIndex((line) => line.startsWith("[log archive]") && line.includes("TRIGGER_LOG_ARCHIVE_MAX_BYTES"));
    expect(full).toBeGreaterThan(0);
    const head = lines.slice(0, full).filter((line) => line.startsWith("line ")).map(numberOf);
    const tail = lines.slice(full).filter((line) => line.startsWith("line ")).map(numberOf);
    // The head runs from the first line without a hole, the tail to the last one.
    expect(head.length).toBeGreaterThan(100);
    expect(head).toEqual(head.map((_, i) => i + 1));
    expect(tail.length).toBeGreaterThan(100);
    expect(tail).toEqual(tail.map((_, i) => 20_000 - tail.length + 1 + i));
    expect(lines.slice(full).some((line) => /^\[log archive\] \d+ lines from .* were dropped/.test(line))).toBe(true);
    expect(lines.filter((line) => line === "exit code 0")).toHaveLength(1);
    expect((await runs.status(id)).body).toMatchObject({ status: "succeeded", log: "complete" });
  });
});
