import { logs, metrics, SeverityNumber, trace } from "@opentelemetry/api";
import { MeterProvider, type IMetricReader } from "@opentelemetry/sdk-metrics";
import type { TelemetryConfig } from "../config.js";
import { enableAzureSdkSpans } from "./azure-sdk-spans.js";
import { createRecorder } from "./instruments.js";
import { logAttributes } from "./log-record.js";
import { appInsightsExport } from "./app-insights.js";
import { PullReader } from "./metrics-text.js";
import { otlpMetricReader } from "./otlp-metrics.js";
import type { Telemetry } from "./telemetry.js";

const scope = "aci-http-trigger";


const severities: Record<string, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

/**
 * Starts the OpenTelemetry SDK for `config` and registers it globally: the Node SDK with Azure
 * Monitor's exporters for Application Insights, or with OTLP, which it configures from the
 * standard OTEL_* variables (endpoint, protocol, headers, service name). With only the metrics
 * route on, just a meter provider is made; nothing is exported.
 */
export async function startSdkTelemetry(config: TelemetryConfig): Promise<Telemetry> {
  const pull = config.metricsRoute ? new PullReader() : undefined;
  const readers: IMetricReader[] = pull ? [pull] : [];
  const exporting = config.appInsightsConnectionString !== undefined || config.otlp;
  let stop: () => Promise<void>;
  let flush: () => Promise<void>;
  if (config.appInsightsConnectionString !== undefined) {
    const { NodeSDK } = await import("@opentelemetry/sdk-node");
    const sdk = new NodeSDK(await appInsightsExport(config.appInsightsConnectionString, readers));
    sdk.start();
    stop = () => sdk.shutdown();
    flush = flushGlobals;
  } else if (config.otlp) {
    const { NodeSDK } = await import("@opentelemetry/sdk-node");
    // Without the metrics route the SDK makes its metric readers from OTEL_METRICS_EXPORTER itself.
    const sdk = new NodeSDK(pull ? { metricReaders: [pull, await otlpMetricReader(config.otlpProtocol)] } : {});
    sdk.start();
    stop = () => sdk.shutdown();
    flush = flushGlobals;
  } else {
    const provider = new MeterProvider({ readers });
    metrics.setGlobalMeterProvider(provider);
    stop = () => provider.shutdown();
    flush = () => provider.forceFlush();
  }
  if (exporting) enableAzureSdkSpans();
  const logger = logs.getLogger(scope);
  return {
    enabled: true,
    ...createRecorder(trace.getTracer(scope), metrics.getMeter(scope)),
    ...(exporting
      ? {
          exportLog: (line) => {
            const { msg, level, time, ...fields } = line;
            logger.emit({
              body: String(msg ?? ""),
              severityText: String(level ?? "info"),
              severityNumber: severities[String(level)] ?? SeverityNumber.UNSPECIFIED,
              ...(typeof time === "string" ? { timestamp: new Date(time) } : {}),
              attributes: logAttributes(fields),
            });
          },
        }
      : {}),
    ...(pull ? { metricsText: () => pull.text() } : {}),
    flush,
    shutdown: () => stop(),
  };
}

/** Flushes the globally registered providers, each as far as it can (the API wraps two in proxies). */
async function flushGlobals(): Promise<void> {
  type Flushable = { forceFlush?: () => Promise<void> };
  type Provider = Flushable & { getDelegate?: () => Flushable; _getDelegate?: () => Flushable };
  const providers = [trace.getTracerProvider(), metrics.getMeterProvider(), logs.getLoggerProvider()] as Provider[];
  await Promise.all(providers.map((provider) => (provider.getDelegate?.() ?? provider._getDelegate?.() ?? provider).forceFlush?.()));
}
