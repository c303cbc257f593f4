import { logs, metrics, SeverityNumber, trace } from "@opentelemetry/api";
import { MeterProvider, type IMetricReader } from "@opentelemetry/sdk-metrics";
import type { TelemetryConfig } from "../config.js";
import { enableAzureSdkSpans } from "./azure-sdk-spans.js";
import { createRecorder } from "./instruments.js";
import { logAttributes } from "./log-record.js";
import { PullReader } from "./metrics-text.js";
import { otlpMetricReader } from "./otlp-metrics.js";
import type { Telemetry } from "./telemetry.js";

const scope = "aci-http-trigger";

type MonitorReader = NonNullable<NonNullable<Parameters<typeof import("@azure/monitor-opentelemetry").useAzureMonitor>[0]>["metricReaders"]>[number];

const severities: Record<string, SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

/**
 * Starts the OpenTelemetry SDK for `config` and registers it globally: Application Insights
 * through Azure Monitor's distro, or OTLP through the Node SDK, which reads the endpoint,
 * protocol, headers and service name from the standard OTEL_* variables. With only the metrics
 * route on, just a meter provider is made; nothing is exported.
 */
export async function startSdkTelemetry(config: TelemetryConfig): Promise<Telemetry> {
  const pull = config.metricsRoute ? new PullReader() : undefined;
  const readers: IMetricReader[] = pull ? [pull] : [];
  const exporting = config.appInsightsConnectionString !== undefined || config.otlp;
  let stop: () => Promise<void>;
  let flush: () => Promise<void>;
  if (config.appInsightsConnectionString !== undefined) {
    const monitor = await import("@azure/monitor-opentelemetry");
    monitor.useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: config.appInsightsConnectionString },
      // Our own request spans and the Azure SDK's cover every call; the distro's patching of
      // node:http would double them, and its other instrumentations patch libraries we lack.
      instrumentationOptions: { http: { enabled: false }, azureSdk: { enabled: false } },
      // The distro's copy of sdk-metrics declares the same reader class apart from ours.
      ...(pull ? { metricReaders: [pull as unknown as MonitorReader] } : {}),
    });
    stop = () => monitor.shutdownAzureMonitor();
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

/** Flushes the globally registered providers, each as far as it can. */
async function flushGlobals(): Promise<void> {
  const providers = [trace.getTracerProvider(), metrics.getMeterProvider(), logs.getLoggerProvider()] as Array<{ forceFlush?: () => Promise<void>; getDelegate?: () => { forceFlush?: () => Promise<void> } }>;
  await Promise.all(providers.map((provider) => (provider.getDelegate?.() ?? provider).forceFlush?.()));
}
