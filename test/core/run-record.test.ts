import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  hashIdempotencyKey,
  hashRequest,
  maxTagValueLength,
  nextRunRecord,
  readRunRecord,
  type RunRecord,
  runRecordTags,
} from "../../service/run-record.js";

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const recordArb: fc.Arbitrary<RunRecord> = fc.record(
  {
    runId: fc.uuid(),
    startedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    requestHash: hex64,
    idempotencyKeyHash: hex64,
    previousRunIds: fc.array(fc.uuid(), { maxLength: 6 }),
  },
  { requiredKeys: ["runId", "startedAt", "requestHash", "previousRunIds"], noNullPrototype: true },
);
const otherTags = fc.option(
  fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/).filter((n) => !n.startsWith("trigger-")), fc.string({ maxLength: 10 }), { maxKeys: 6, noNullPrototype: true }),
  { nil: undefined },
);

describe("run records in tags", () => {
  it("reads back exactly the record written, keeping every other tag", () => {
    fc.assert(
      fc.property(otherTags, recordArb, (tags, record) => {
        const written = runRecordTags(tags, record);
        expect(readRunRecord(written)).toStrictEqual(record);
        for (const [name, value] of Object.entries(tags ?? {})) expect(written[name]).toBe(value);
      }),
    );
  });

  it("replaces the previous run's trigger tags, dropping an idempotency key the new run has none of", () => {
    const first = runRecordTags({ owner: "team" }, { runId: "r1", startedAt: "t1", requestHash: "h1", idempotencyKeyHash: "k1", previousRunIds: [] });
    const second = runRecordTags(first, { runId: "r2", startedAt: "t2", requestHash: "h2", previousRunIds: ["r1"] });
    expect(second).toStrictEqual({
      owner: "team",
      "trigger-run-id": "r2",
      "trigger-run-started": "t2",
      "trigger-request-hash": "h2",
      "trigger-previous-runs": "r1",
    });
  });

  it("reads no record from tags without one", () => {
    expect(readRunRecord(undefined)).toBeUndefined();
    expect(readRunRecord({ owner: "team" })).toBeUndefined();
    expect(readRunRecord({ "trigger-run-id": "r1" })).toBeUndefined();
  });

  it("keeps the most recent run ids first, as many as fit in one tag value", () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { minLength: 1, maxLength: 20 }), (ids) => {
        let record: RunRecord | undefined;
        for (const runId of ids) record = nextRunRecord(record, { runId, startedAt: "t", requestHash: "h" });
        const history = ids.slice(0, -1).reverse();
        const kept = record?.previousRunIds ?? [];
        expect(kept).toStrictEqual(history.slice(0, kept.length));
        expect(kept.join(",").length).toBeLessThanOrEqual(maxTagValueLength);
        if (kept.length < history.length) expect([...kept, history[kept.length]].join(",").length).toBeGreaterThan(maxTagValueLength);
        const tags = runRecordTags(undefined, record as RunRecord);
        for (const value of Object.values(tags)) expect(value.length).toBeLessThanOrEqual(maxTagValueLength);
      }),
    );
  });

  it("keeps six 36-character ids, the most that fit in 256 characters", () => {
    const ids = Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
    let record: RunRecord | undefined;
    for (const runId of ids) record = nextRunRecord(record, { runId, startedAt: "t", requestHash: "h" });
    expect(record?.previousRunIds).toStrictEqual(ids.slice(1, 7).reverse());
  });

  it("carries the new run's idempotency key hash and not the previous one's", () => {
    const previous = nextRunRecord(undefined, { runId: "r1", startedAt: "t", requestHash: "h", idempotencyKeyHash: "k" });
    expect(nextRunRecord(previous, { runId: "r2", startedAt: "t", requestHash: "h" })).toStrictEqual({
      runId: "r2",
      startedAt: "t",
      requestHash: "h",
      previousRunIds: ["r1"],
    });
  });
});

describe("hashes", () => {
  it("hash a request the same whatever the order of its env keys", () => {
    expect(hashRequest({ env: { A: "1", B: "2" } })).toBe(hashRequest({ env: { B: "2", A: "1" } }));
  });

  it("tell apart requests that differ in env or command", () => {
    const base = hashRequest({ env: { A: "1" } });
    expect(hashRequest({ env: { A: "2" } })).not.toBe(base);
    expect(hashRequest({ env: { A: "1" }, command: ["x"] })).not.toBe(base);
    expect(hashRequest({ env: { A: "1" }, command: ["x", "y"] })).not.toBe(hashRequest({ env: { A: "1" }, command: ["x,y"] }));
  });

  it("are sha256 hex", () => {
    expect(hashIdempotencyKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashRequest({ env: {} })).toMatch(/^[0-9a-f]{64}$/);
  });
});
