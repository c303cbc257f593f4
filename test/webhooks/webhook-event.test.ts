import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../service/core/run.js";
import { webhookEventOf } from "../../service/core/webhook-event.js";

const now = new Date("2026-12-04T08:00:00.000Z");
const run = { id: "0193a0b0-0000-7000-8000-000000000001", seq: 1, createdAt: now.toISOString(), status: "starting", group: "job" } as unknown as RunRecord;

describe("the event a transition sends", () => {
  it.each([
    ["running", "run.started"],
    ["succeeded", "run.succeeded"],
    ["failed", "run.failed"],
    ["canceled", "run.canceled"],
    ["timed_out", "run.timed_out"],
    ["lost", "run.lost"],
    ["retrying", "run.retrying"],
  ] as const)("entering %s sends %s with the run as GET shows it", (status, type) => {
    const event = webhookEventOf(run, { ...run, status }, now);
    expect(event).toMatchObject({ type, timestamp: now.toISOString(), data: { id: run.id, status } });
  });
  it("staying in a status, or moving to one without an event, sends nothing", () => {
    expect(webhookEventOf(run, { ...run }, now)).toBeUndefined();
    expect(webhookEventOf({ ...run, status: "queued" }, run, now)).toBeUndefined();
  });
});
