import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { armCallDeadline, RetryAfterTooLongError, retryAfterCapPolicy, retryAfterSeconds } from "../../service/retry-after-cap.js";

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
  const policy = retryAfterCapPolicy(5_000);

  it("lets a throttled response with a short wait through, for the SDK to retry", async () => {
    const short = response(429, { "retry-after": "2" });
    await expect(policy.sendRequest(request, async () => short)).resolves.toBe(short);
  });

  it("stops the retry of a 429 or 503 whose wait is longer than the budget", async () => {
    for (const status of [429, 503]) {
      const long = response(status, { "retry-after": "372" });
      const outcome = policy.sendRequest(request, async () => long);
      await expect(outcome).rejects.toBeInstanceOf(RetryAfterTooLongError);
      await expect(outcome).rejects.toMatchObject({ retryAfterSeconds: 372, response: long });
    }
  });

  it("within a call's deadline, stops the wait that would end after it, however short", async () => {
    let now = 1_000;
    const policy = retryAfterCapPolicy(60_000, () => now);
    const throttled = response(429, { "retry-after": "2" });
    await armCallDeadline.run(4_500, async () => {
      await expect(policy.sendRequest(request, async () => throttled)).resolves.toBe(throttled);
      now = 3_000;
      await expect(policy.sendRequest(request, async () => throttled)).rejects.toBeInstanceOf(RetryAfterTooLongError);
    });
  });

  it("leaves other responses alone", async () => {
    const conflict = response(409, { "retry-after": "999" });
    await expect(policy.sendRequest(request, async () => conflict)).resolves.toBe(conflict);
  });
});
