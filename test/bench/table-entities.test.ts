import { describe, expect, it } from "vitest";
import { busyMs, entitiesInResponse, windowCounts } from "../../bench/table-entities.js";

const json = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";

describe("entities in a table answer", () => {
  it("counts a query page's rows, and a point read as one", () => {
    expect(entitiesInResponse(json, JSON.stringify({ "odata.metadata": "m", value: [{ PartitionKey: "p", RowKey: "a" }, { PartitionKey: "p", RowKey: "b" }] }))).toBe(2);
    expect(entitiesInResponse(json, JSON.stringify({ "odata.metadata": "m", value: [] }))).toBe(0);
    expect(entitiesInResponse(json, JSON.stringify({ "odata.metadata": "m", PartitionKey: "p", RowKey: "counters", seq: 4 }))).toBe(1);
  });

  it("counts none in an error, an empty answer, a batch's multipart answer or a body that is not JSON", () => {
    expect(entitiesInResponse(json, JSON.stringify({ "odata.error": { code: "ResourceNotFound" } }))).toBe(0);
    expect(entitiesInResponse(undefined, "")).toBe(0);
    expect(entitiesInResponse("multipart/mixed; boundary=batchresponse_1", '--batchresponse_1\r\n{"PartitionKey":"p","RowKey":"a"}')).toBe(0);
    expect(entitiesInResponse(json, "{ truncated")).toBe(0);
  });
});

describe("window counts", () => {
  it("answers what each window between running totals added", () => {
    expect(windowCounts([3, 10, 10, 25])).toEqual([7, 0, 15]);
    expect(windowCounts([5])).toEqual([]);
  });
});

describe("time waiting on the store", () => {
  it("counts overlapping requests once and clips them to the window", () => {
    const requests = [
      { startedAtMs: 0, endedAtMs: 10 },
      { startedAtMs: 5, endedAtMs: 12 },
      { startedAtMs: 20, endedAtMs: 25 },
      { startedAtMs: 28, endedAtMs: 40 },
    ];
    expect(busyMs(requests, 0, 30)).toBe(12 + 5 + 2);
    expect(busyMs(requests, 8, 22)).toBe(4 + 2);
    expect(busyMs([], 0, 30)).toBe(0);
  });

  it("counts a request still unanswered up to the window's end", () => {
    expect(busyMs([{ startedAtMs: 10, endedAtMs: Number.NaN }], 0, 30)).toBe(20);
  });
});
