import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { armCallDeadline, RetryAfterTooLongError, retryAfterCapPolicy, retryAfterSeconds } from "../../service/arm/retry-after-cap.js";

const request = createPipelineRequest({ url: "https://arm.example/x" });
const response = (status: number, headers: Record<string, string> = {}): PipelineResponse => ({
  request,
  status,
  headers: createHttpHeaders(headers),
});

describe("retryAfterSeconds", () => {
  it("reads delta seconds, milliseconds headers and HTTP dates", () => {
    expect(retryAfterSeconds(response(429, { "retry-after": "17" }))).toBe(17);
    expect(retryAfterSeconds(response(429, { "retry-after-ms": "1500" }))).toBe(2);
    expect(retryAfterSeconds(response(429, { "x-ms-retry-after-ms": "200" }))).toBe(1);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterSeconds(response(429, { "retry-after": "Thu, 01 Jan 2026 00:01:00 GMT" }), now)).toBe(60);
  });

  it("has no answer for a missing or unreadable header", () => {
    expect(retryAfterSeconds(response(429))).toBeUndefined();
    expect(retryAfterSeconds(response(429, { "retry-after": "soon" }))).toBeUndefined();
  });
});

describe("retryAfterCapPolicy", () => {
  const now = 1_000;
  const policy = retryAfterCapPolicy(() => now);
  const withinDeadline = <T>(deadline: number, call: () => Promise<T>) => armCallDeadline.run(deadline, call);

  it("lets a throttled response whose wait ends before the call's deadline through, for the SDK to retry", async () => {
    const short = response(429, { "retry-after": "2" });
    await expect(withinDeadline(now + 5_000, () => policy.sendRequest(request, async () => short))).resolves.toBe(short);
  });

  it("stops the retry of a 429 or 503 whose wait would end after the call's deadline", async () => {
    for (const status of [429, 503]) {
      const long = response(status, { "retry-after": "372" });
      const outcome = withinDeadline(now + 5_000, () => policy.sendRequest(request, async () => long));
      await expect(outcome).rejects.toBeInstanceOf(RetryAfterTooLongError);
      await expect(outcome).rejects.toMatchObject({ retryAfterSeconds: 372, response: long });
    }
  });

  it("measures each wait against what is left of the deadline, so waits cannot add up past it", async () => {
    let clock = 1_000;
    const ticking = retryAfterCapPolicy(() => clock);
    const throttled = response(429, { "retry-after": "2" });
    await withinDeadline(4_500, async () => {
      await expect(ticking.sendRequest(request, async () => throttled)).resolves.toBe(throttled);
      clock = 3_000;
      await expect(ticking.sendRequest(request, async () => throttled)).rejects.toBeInstanceOf(RetryAfterTooLongError);
    });
  });

  it("leaves a call made outside any deadline to the SDK's own retry", async () => {
    const long = response(429, { "retry-after": "372" });
    await expect(policy.sendRequest(request, async () => long)).resolves.toBe(long);
  });

  it("leaves other responses alone", async () => {
    const conflict = response(409, { "retry-after": "999" });
    await expect(withinDeadline(now + 5_000, () => policy.sendRequest(request, async () => conflict))).resolves.toBe(conflict);
  });
});
