import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { startTestEmulator, testResourceGroup, testSubscriptionId, jobGroup } from "../helpers/emulator.js";
import { attributeOf, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from "../helpers/otlp-receiver.js";
import { finishedRun } from "../helpers/finished-run.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { testConnectionString } from "../helpers/store.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const apiKey = "telemetry-key-0123456789abcdef";
const secureValue = "s3cret-telemetry-value";
const callerValue = "caller-telemetry-value-77";
const auth = { authorization: `Bearer ${apiKey}` };

/** The spans of `root`'s trace that descend from it. */
function descendants(spans: OtlpSpan[], root: OtlpSpan): OtlpSpan[] {
  const found: OtlpSpan[] = [];
  let parents = new Set([root.spanId]);
  while (parents.size > 0) {
    const children = spans.filter((span) => span.traceId === root.traceId && span.parentSpanId !== undefined && parents.has(span.parentSpanId));
    found.push(...children);
    parents = new Set(children.map((span) => span.spanId));
  }
  return found;
}

/** Every attribute value of a span as text, to find which host it called. */
const valuesOf = (span: OtlpSpan) => (span.attributes ?? []).map((attribute) => String(Object.values(attribute.value)[0]));

describe("telemetry exported over OTLP by the bundled service", () => {
  let emulator: Emulator;
  let receiver: OtlpReceiver;
  let service: ServiceProcess;
  let runId: string;
  let exitCode: number | null;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    receiver = await startOtlpReceiver();
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup([{ name: "DB_PASSWORD", secureValue }]), { terminated: true });
    service = await startServiceProcess(
      triggerEnv(emulator, "job", {
        TRIGGER_API_KEYS: apiKey,
        ACI_SECRETS: JSON.stringify({ env: { job: { DB_PASSWORD: secureValue } } }),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "trigger-under-test",
        TRIGGER_METRICS: "true",
      }),
    );
    runId = await finishedRun(service.url, auth, { env: { INPUT: callerValue } });
  });

  afterAll(async () => {
    await service?.stop();
    await receiver?.close();
    await emulator?.close();
  });

  it("serves the metrics in Prometheus text to a caller with a key, and 401 to one without", async () => {
    const scraped = await fetch(`${service.url}/metrics`, { headers: auth });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get("content-type")).toContain("text/plain");
    const text = await scraped.text();
    expect(text).toMatch(/^# HELP trigger_arm_calls/m);
    expect(text).toMatch(/^trigger_arm_calls(_total)?\{[^}]*trigger_arm_operation="put"[^}]*\} [1-9]/m);
    const anonymous = await fetch(`${service.url}/metrics`);
    expect(anonymous.status).toBe(401);
  });

  // Stopping the service shuts its telemetry down, which sends everything still batched: the
  // assertions below wait for that event, not for time to pass.
  it("sends what it holds on SIGTERM and exits 0", async () => {
    exitCode = await service.stop();
    expect(exitCode).toBe(0);
    expect(receiver.bodies.get("/v1/traces")?.length).toBeGreaterThan(0);
  });

  it("traces POST /runs with its ARM and store calls as children of the request's span", () => {
    const spans = receiver.spans();
    const request = spans.find((span) => span.name === "POST /runs");
    expect(request, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    expect(attributeOf(request!.attributes, "trigger.run.id")).toBe(runId);
    expect(attributeOf(request!.attributes, "http.response.status_code")).toBe(202);
    const children = descendants(spans, request!);
    const armHost = new URL(emulator.url).host;
    const storeHost = new URL(/TableEndpoint=([^;]+)/.exec(testConnectionString())?.[1] ?? "http://127.0.0.1:10002").host;
    const calls = (host: string) => children.filter((span) => valuesOf(span).some((value) => value.includes(host)));
    expect(calls(armHost).map((span) => attributeOf(span.attributes, "http.request.method") ?? attributeOf(span.attributes, "http.method"))).toEqual(expect.arrayContaining(["GET", "PUT"]));
    expect(calls(storeHost).length).toBeGreaterThan(0);
  });

  it("exports log lines that carry the request's trace, as the printed lines do", () => {
    const request = receiver.spans().find((span) => span.name === "POST /runs")!;
    const printed = service.lines.find((line) => line["msg"] === "request" && line["runId"] === runId && line["method"] === "POST");
    expect(printed?.["traceId"]).toBe(request.traceId);
    const exported = receiver.logRecords().filter((record) => record.traceId === request.traceId);
    expect(exported.map((record) => record.body?.stringValue)).toContain("request");
  });

  it("counts ARM calls by operation and status", () => {
    const armCalls = receiver.metrics().filter((metric) => metric.name === "trigger.arm.calls");
    const points = armCalls.flatMap((metric) => metric.sum.dataPoints as Array<{ attributes: any[]; asInt?: number; asDouble?: number }>);
    const puts = points.filter((point) => attributeOf(point.attributes, "trigger.arm.operation") === "put");
    expect(puts.map((point) => Number(attributeOf(point.attributes, "http.response.status_code")))).toEqual(expect.arrayContaining([expect.any(Number)]));
    expect(puts.reduce((sum, point) => sum + Number(point.asInt ?? point.asDouble ?? 0), 0)).toBeGreaterThanOrEqual(1);
  });

  it("traces the run's dispatch under the request, with the run id, and the reconcile passes", () => {
    const spans = receiver.spans();
    const request = spans.find((span) => span.name === "POST /runs")!;
    const dispatch = descendants(spans, request).find((span) => span.name === "dispatch");
    expect(dispatch, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    expect(attributeOf(dispatch!.attributes, "trigger.run.id")).toBe(runId);
    expect(attributeOf(dispatch!.attributes, "trigger.run.group")).toBe("job");
    expect(spans.some((span) => span.name === "reconcile")).toBe(true);
    for (const span of spans.filter((s) => s.name === "reconcile.group")) expect(attributeOf(span.attributes, "trigger.run.group")).toBe("job");
  });

  it("counts the run's end by outcome and records its durations and its dispatch latency", () => {
    const metrics = receiver.metrics();
    const points = (name: string) => metrics.filter((metric) => metric.name === name).flatMap((metric) => (metric.sum ?? metric.histogram).dataPoints as Array<{ attributes: any[]; asInt?: number; asDouble?: number; count?: number | string }>);
    const ended = points("trigger.runs.ended").filter((point) => attributeOf(point.attributes, "trigger.run.outcome") === "succeeded");
    expect(ended.reduce((sum, point) => sum + Number(point.asInt ?? point.asDouble ?? 0), 0)).toBe(1);
    const count = (name: string) => points(name).reduce((sum, point) => sum + Number(point.count ?? 0), 0);
    expect(count("trigger.run.accept_to_running")).toBe(1);
    expect(count("trigger.run.running_to_end")).toBe(1);
    expect(count("trigger.dispatch.latency")).toBe(1);
  });

  it("exports no key, token, secure value, caller value or connection string anywhere", () => {
    const exported = JSON.stringify([...receiver.bodies.values()]);
    const tokens = emulator.requests.map((request) => request.headers["authorization"]?.replace(/^Bearer /, "")).filter((token): token is string => Boolean(token));
    const accountKey = /AccountKey=([^;]+)/.exec(testConnectionString())?.[1];
    expect(tokens.length).toBeGreaterThan(0);
    for (const secret of [apiKey, secureValue, callerValue, emulator.identityHeader, ...new Set(tokens), accountKey ?? "no-account-key"]) {
      expect(exported).not.toContain(secret);
    }
  });
});
