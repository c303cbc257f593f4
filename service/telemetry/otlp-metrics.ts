import { PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { OtlpProtocol } from "../config.js";

/**
 * The OTLP metric reader the Node SDK would make from the environment, made here because the
 * metrics route adds a reader of its own, and the SDK reads the environment only when given none.
 * The exporter reads the endpoint, headers and interval from OTEL_* itself.
 */
export async function otlpMetricReader(protocol: OtlpProtocol): Promise<IMetricReader> {
  const { OTLPMetricExporter } =
    protocol === "http/json" ? await import("@opentelemetry/exporter-metrics-otlp-http") : protocol === "grpc" ? await import("@opentelemetry/exporter-metrics-otlp-grpc") : await import("@opentelemetry/exporter-metrics-otlp-proto");
  return new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() as unknown as PushMetricExporter });
}
