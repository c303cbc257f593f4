import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { retryAfterMs } from "../../service/arm/retry-after.js";

const request = createPipelineRequest({ url: "https://arm.example/x" });
const response = (headers: Record<string, string> = {}): PipelineResponse => ({ request, status: 429, headers: createHttpHeaders(headers) });

describe("retryAfterMs", () => {
  it("reads delta seconds, milliseconds headers and HTTP dates", () => {
    expect(retryAfterMs(response({ "retry-after": "17" }))).toBe(17_000);
    expect(retryAfterMs(response({ "retry-after-ms": "1500" }))).toBe(1_500);
    expect(retryAfterMs(response({ "x-ms-retry-after-ms": "200" }))).toBe(200);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(response({ "retry-after": "Thu, 01 Jan 2026 00:01:00 GMT" }), now)).toBe(60_000);
    expect(retryAfterMs(response({ "retry-after": "Thu, 01 Jan 2026 00:00:00 GMT" }), now + 5_000)).toBe(0);
  });

  it("has no answer for a missing or unreadable header", () => {
    expect(retryAfterMs(response())).toBeUndefined();
    expect(retryAfterMs(response({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(response({ "retry-after-ms": "-3" }))).toBeUndefined();
  });
});
