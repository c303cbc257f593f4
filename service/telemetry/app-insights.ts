import type { NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { BatchLogRecordProcessor, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import { PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";

/**
 * The Node SDK's exporters for Application Insights: Azure Monitor's exporters, which map server
 * spans to requests, client spans to dependencies and log records to traces. Not its distro: that
 * registers through an older @opentelemetry/api, which this service's API cannot see, and bundles
 * instrumentations of libraries the service does not use. The exporters carry their own copy of
 * the SDK's types, hence the casts; the objects are the interfaces the SDK calls.
 */
export async function appInsightsExport(connectionString: string, readers: IMetricReader[]): Promise<Partial<NodeSDKConfiguration>> {
  const monitor = await import("@azure/monitor-opentelemetry-exporter");
  const options = { connectionString };
  return {
    traceExporter: new monitor.AzureMonitorTraceExporter(options) as unknown as NodeSDKConfiguration["traceExporter"],
    logRecordProcessors: [new BatchLogRecordProcessor({ exporter: new monitor.AzureMonitorLogExporter(options) as unknown as LogRecordExporter })],
    metricReaders: [...readers, new PeriodicExportingMetricReader({ exporter: new monitor.AzureMonitorMetricExporter(options) as unknown as PushMetricExporter })],
  };
}
