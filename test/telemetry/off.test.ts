import { logs, metrics, type ProxyTracerProvider, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { parseConfig } from "../../service/config.js";
import { configNames } from "../../service/config-names.js";
import { startTelemetry } from "../../service/telemetry/start-telemetry.js";
import { noTelemetry } from "../../service/telemetry/telemetry.js";
import { jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { startOtlpReceiver, type OtlpReceiver } from "../helpers/otlp-receiver.js";
import { finishedRun } from "../helpers/finished-run.js";
import { startServiceProcess } from "../helpers/service-process.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const apiKey = "telemetry-off-key-0123456789";
const auth = { authorization: `Bearer ${apiKey}` };
const minimal = {
  [configNames.subscriptionId]: "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
  [configNames.resourceGroup]: "rg",
  [configNames.containerGroup]: "job",
  [configNames.apiKeys]: apiKey,
  [configNames.storageAccount]: "triggerruns",
};

describe("telemetry, with nothing configured", () => {
  it("is the no-op, and registers no tracer, meter or logger provider", async () => {
    const telemetry = await startTelemetry(parseConfig(minimal).telemetry);
    expect(telemetry).toBe(noTelemetry);
    expect(await telemetry.span("pass", { runId: "r" }, async () => trace.getActiveSpan())).toBeUndefined();
    const span = trace.getTracer("probe").startSpan("probe");
    expect(span.isRecording()).toBe(false);
    span.end();
    // The API's own no-op providers: nothing was ever registered globally.
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name).toBe("NoopTracerProvider");
    expect(metrics.getMeterProvider().constructor.name).toBe("NoopMeterProvider");
    expect(logs.getLogger("probe").constructor.name).toBe("ProxyLogger");
  });

  it("stays off when OTEL_SDK_DISABLED is true, even with an endpoint", () => {
    const config = parseConfig({ ...minimal, [configNames.otlpEndpoint]: "http://127.0.0.1:4318", [configNames.otelSdkDisabled]: "true" });
    expect(config.telemetry).toEqual({ otlp: false, otlpProtocol: "http/protobuf", metricsRoute: false });
  });

  it("refuses an endpoint that is no http(s) URL, naming the variable", () => {
    expect(() => parseConfig({ ...minimal, [configNames.otlpEndpoint]: "localhost:4318" })).toThrow(configNames.otlpEndpoint);
  });
});

describe("the bundled service without telemetry", () => {
  let emulator: Emulator;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    receiver = await startOtlpReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await emulator?.close();
  });

  // The per-signal endpoints alone do not turn telemetry on: the SDK, had it been started, would
  // have sent to the receiver.
  it("sends nothing, prints no trace ids and has no /metrics, through a whole run", async () => {
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup([]), { terminated: true });
    const service = await startServiceProcess(
      triggerEnv(emulator, "job", {
        TRIGGER_API_KEYS: apiKey,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.url}/v1/logs`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      }),
    );
    await finishedRun(service.url, auth);
    expect((await fetch(`${service.url}/metrics`, { headers: auth })).status).toBe(404);
    expect(await service.stop()).toBe(0);
    expect(service.lines.filter((line) => line["msg"] === "request").length).toBeGreaterThan(0);
    expect(service.lines.filter((line) => "traceId" in line)).toEqual([]);
    expect(receiver.count()).toBe(0);
  });
});
