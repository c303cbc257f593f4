import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { armRetryOptions, backoffMs, retryWait, startDeadlineMs, type TryOutcome } from "../../service/arm/arm-retry.js";

const options = armRetryOptions({ retryTimeoutMs: 30_000, requestTimeoutMs: 10_000 });
const plenty = 60_000;

describe("the ARM retry design", () => {
  it("waits 1 s, then doubles, up to 10 s, when ARM names no wait", () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(options.backoff, n))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("waits out a 429 as long as ARM asks, for a PUT too: a throttled request was not applied", () => {
    for (const method of ["GET", "PUT", "POST"]) expect(retryWait(options, { method, status: 429, retryAfterMs: 7_000 }, 0, plenty)).toBe(7_000);
    expect(retryWait(options, { method: "PUT", status: 429 }, 1, plenty)).toBe(2_000);
  });

  it("never resends a PUT whose outcome is unclear or whose group is transitioning", () => {
    for (const outcome of [{}, { status: 500 }, { status: 503, retryAfterMs: 1_000 }, { status: 409, transitioning: true }]) {
      expect(retryWait(options, { method: "PUT", ...outcome }, 0, plenty)).toBeUndefined();
    }
  });

  it("retries a read after no answer, a 408 or a 5xx, and a 503 after the wait it names", () => {
    expect(retryWait(options, { method: "GET" }, 0, plenty)).toBe(1_000);
    expect(retryWait(options, { method: "GET", status: 408 }, 1, plenty)).toBe(2_000);
    expect(retryWait(options, { method: "GET", status: 502 }, 2, plenty)).toBe(4_000);
    expect(retryWait(options, { method: "GET", status: 503, retryAfterMs: 3_000 }, 0, plenty)).toBe(3_000);
  });

  it("gives up on an answer that says the request itself is wrong", () => {
    for (const status of [400, 401, 403, 404, 409, 501, 505]) expect(retryWait(options, { method: "GET", status }, 0, plenty)).toBeUndefined();
  });

  it("stops after `limit` retries, except for a stop refused as transitioning, which waits until the deadline", () => {
    expect(retryWait(options, { method: "GET", status: 500 }, options.limit, plenty)).toBeUndefined();
    const transitioning: TryOutcome = { method: "POST", status: 409, transitioning: true };
    expect(retryWait(options, transitioning, options.limit + 5, plenty)).toBe(10_000);
    expect(retryWait(options, { method: "GET", status: 409, transitioning: true }, 0, plenty)).toBeUndefined();
  });

  it("ends the call at once when ARM asks for a wait past the deadline or longer than the longest honoured", () => {
    expect(retryWait(options, { method: "GET", status: 429, retryAfterMs: 600_000 }, 0, plenty)).toBeUndefined();
    expect(retryWait(options, { method: "GET", status: 429, retryAfterMs: 5_000 }, 0, 4_999)).toBeUndefined();
    expect(retryWait({ ...options, maxRetryAfterMs: 2_000 }, { method: "GET", status: 429, retryAfterMs: 3_000 }, 0, plenty)).toBeUndefined();
  });

  it("takes its timeouts from the two settings", () => {
    expect(options).toMatchObject({ timeoutMs: 10_000, deadlineMs: 30_000, maxRetryAfterMs: 30_000 });
  });
});

describe("the start deadline derived from the design", () => {
  const outcomes = fc.record({
    method: fc.constantFrom("GET", "PUT", "POST"),
    status: fc.option(fc.constantFrom(408, 409, 429, 500, 503), { nil: undefined }),
    transitioning: fc.boolean(),
    retryAfterMs: fc.option(fc.nat(120_000), { nil: undefined }),
  });
  const settings = fc.record({ retryTimeoutMs: fc.integer({ min: 0, max: 3_600_000 }), requestTimeoutMs: fc.integer({ min: 1, max: 600_000 }) });

  it("is past the end of every try a call may start: tries start before the deadline and last at most one timeout", () => {
    fc.assert(
      fc.property(settings, fc.array(fc.tuple(outcomes, fc.nat(100_000)), { maxLength: 30 }), (setting, tries) => {
        const design = armRetryOptions(setting);
        // A replay on a counted clock, no real one: each try ends at most `timeoutMs` after it
        // starts, then the call waits what `retryWait` allows. Every try's start and end is kept.
        const starts: number[] = [];
        const ends: number[] = [];
        let start = 0;
        for (const [[outcome, took], retryCount] of tries.map((entry, i) => [entry, i] as const)) {
          starts.push(start);
          const end = start + Math.min(took, design.timeoutMs);
          ends.push(end);
          const wait = retryWait(design, outcome, retryCount, design.deadlineMs - end);
          if (wait === undefined) break;
          start = end + wait;
        }
        expect(starts.every((at) => at <= design.deadlineMs)).toBe(true);
        expect(ends.every((at) => at < startDeadlineMs(design))).toBe(true);
      }),
    );
  });

  it("is 50 s with the default settings (a 30 s deadline, a 10 s request timeout, a 10 s margin)", () => {
    expect(startDeadlineMs(options)).toBe(50_000);
  });
});
