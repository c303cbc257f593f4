import fc from "fast-check";
import { v4 as uuidv4, validate, version } from "uuid";
import { describe, expect, it } from "vitest";
import { newRunId, runIdTime } from "../../service/core/run-id.js";

const timeArb = fc.date({ min: new Date("1970-01-01T00:00:00.000Z"), max: new Date("2200-01-01T00:00:00.000Z"), noInvalidDate: true });

describe("run ids", () => {
  it("are UUIDv7s that carry the time they were made at", () => {
    fc.assert(
      fc.property(timeArb, (now) => {
        const id = newRunId(now);
        expect(validate(id) && version(id)).toBe(7);
        expect(runIdTime(id)).toBe(now.getTime());
      }),
      { numRuns: 200 },
    );
  });

  it("differ when made at the same time", () => {
    const now = new Date("2024-05-01T10:00:00.000Z");
    const ids = new Set(Array.from({ length: 100 }, () => newRunId(now)));
    expect(ids.size).toBe(100);
  });

  it.each([
    ["a UUIDv4", uuidv4()],
    ["the nil UUID", "00000000-0000-0000-0000-000000000000"],
    ["an id of an earlier version", "run-1"],
    ["an empty string", ""],
    ["a v7 with a stray character", "0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6bx"],
  ])("have no time for %s", (_title, id) => {
    expect(runIdTime(id)).toBeUndefined();
  });
});
