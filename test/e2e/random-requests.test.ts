import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { getOpen } from "../helpers/runs-client.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const apiKey = "random-key-0123456789abcd";
const securePassword = "random-db-password-value";
const maxBodyBytes = 4096;

interface RandomRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });
const anyText = fc.string({ unit: "binary", maxLength: 40 });

const envName = fc.oneof(
  fc.constantFrom("A", "FOO", "_", "PATH", "TRIGGER_RUN_ID", "TRIGGER_BASE", "DB_PASSWORD", "EMULATOR_RUN_MS", "1X", "A-B", "", "é", "__proto__", "constructor"),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/),
  anyText,
);
const envValue = fc.oneof(anyText, fc.constantFrom("", "0", "-1", "999999999", "\u0000", "\ud800"), fc.jsonValue());

const runRequestLike = fc.record(
  {
    env: fc.oneof(fc.dictionary(envName, envValue, { maxKeys: 8 }), fc.jsonValue()),
    command: fc.oneof(fc.array(anyText, { maxLength: 4 }), fc.jsonValue()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

/** Bodies the schema accepts, with odd but legal names and values, so many reach ARM. */
const validRunRequest = fc.record(
  {
    env: fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/), anyText, { maxKeys: 6 }),
    command: fc.array(anyText, { minLength: 1, maxLength: 4 }),
  },
  { requiredKeys: [] },
);

const body: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: validRunRequest.map((value) => JSON.stringify(value)) },
  { weight: 4, arbitrary: runRequestLike.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom(undefined, "", "{", "null", "[]", '{"env":', "\u0000", '{"env":{}}{"env":{}}', '{"__proto__":{"env":{}}}') },
  {
    weight: 1,
    arbitrary: fc.integer({ min: maxBodyBytes - 64, max: maxBodyBytes * 40 }).map((size) => JSON.stringify({ env: { BIG: "x".repeat(size) } })),
  },
);

const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json") },
  { weight: 1, arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "") },
  { weight: 1, arbitrary: printable },
);

const authorization = fc.oneof(
  { weight: 8, arbitrary: fc.constant(`Bearer ${apiKey}`) },
  { weight: 1, arbitrary: fc.constantFrom(`bearer   ${apiKey}`, `Bearer ${apiKey} x`, "Bearer", "", `Basic ${apiKey}`) },
  { weight: 1, arbitrary: printable },
);

const segment = fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9_-]{1,130}$/), anyText).map(encodeURIComponent);

const target: fc.Arbitrary<{ method: string; path: string }> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ method: "POST", path: "/runs" }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH"), segment, fc.constantFrom("", "/logs", "/cancel", "/x"), fc.option(printable.map(encodeURIComponent)))
      .map(([method, id, suffix, tail]) => ({ method, path: `/runs/${id}${suffix}${tail === null ? "" : `?tail=${tail}`}` })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("GET", "POST", "OPTIONS", "HEAD"), fc.constantFrom("/", "/runs", "/runs/", "/healthz", "/readyz", "/openapi.json", "/%", "/runs/%2e%2e")).map(([method, path]) => ({ method, path })) },
);

const junkHeaders = fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,12}$/), printable, { maxKeys: 3 });

const request: fc.Arbitrary<RandomRequest> = fc
  .record({
    target,
    body,
    contentType,
    authorization,
    idempotencyKey: fc.option(fc.oneof(printable, fc.stringMatching(/^[!-~]{1,300}$/))),
    requestId: fc.option(printable),
    junk: junkHeaders,
  })
  .map(({ target: { method, path }, body: text, contentType: type, authorization: auth, idempotencyKey, requestId, junk }) => ({
    method,
    path,
    headers: {
      ...junk,
      "content-type": type,
      authorization: auth,
      ...(idempotencyKey === null ? {} : { "idempotency-key": idempotencyKey }),
      ...(requestId === null ? {} : { "x-request-id": requestId }),
    },
    ...(text === undefined || method === "GET" || method === "HEAD" ? {} : { body: text }),
  }));

describe("random requests against the running bundle", () => {
  let emulator: Emulator;
  let service: ServiceProcess;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup([{ name: "BASE", value: "1" }, { name: "DB_PASSWORD", secureValue: securePassword }]), {
      terminated: true,
    });
    service = await startServiceProcess(
      triggerEnv(emulator, "job", {
        TRIGGER_API_KEYS: apiKey,
        ACI_SECRETS: JSON.stringify({ env: { job: { DB_PASSWORD: securePassword } } }),
        TRIGGER_MAX_BODY_BYTES: String(maxBodyBytes),
        // Wide open, so that random bodies with commands and random keys still reach ARM.
        TRIGGER_ALLOW_COMMAND: "true",
        TRIGGER_MAX_FAILED_AUTH_PER_MINUTE: "1000000",
        TRIGGER_MAX_STARTS_PER_MINUTE: "1000000",
      }),
    );
  });

  afterAll(async () => {
    await service?.stop();
    await emulator?.close();
  });

  it("never answers a few thousand random requests with a 5xx, and every error is the JSON error shape", { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, headers, body: text }) => {
        const response = await fetch(`${service.url}${path}`, { method, headers, ...(text === undefined ? {} : { body: text }) });
        const answer = await response.text();
        expect(response.status, `${method} ${path} answered ${response.status}: ${answer}`).toBeLessThan(500);
        expect(response.headers.get("x-request-id")).toBeTruthy();
        if (response.status >= 400 && method !== "HEAD") {
          const parsed = JSON.parse(answer) as { error?: { code?: unknown; message?: unknown } };
          expect(parsed.error?.code).toEqual(expect.any(String));
          expect(parsed.error?.message).toEqual(expect.any(String));
        }
      }),
      { numRuns: 2500 },
    );
  });

  it("is still alive and healthy afterwards, having logged only JSON lines and no error", async () => {
    expect(service.child.exitCode).toBeNull();
    const health = await getOpen(service.url, "/healthz");
    expect(health.status).toBe(200);
    expect(service.lines.filter((line) => "unparsed" in line)).toEqual([]);
    expect(service.lines.filter((line) => line["level"] === "error")).toEqual([]);
  });

  it("printed neither the API key, the secure value nor a token", () => {
    expect(printedSecrets(service.output(), { apiKey, securePassword, identityHeader: emulator.identityHeader })).toEqual([]);
  });
});
