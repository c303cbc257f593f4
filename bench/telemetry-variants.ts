import type { TriggerCpuVariant } from "./trigger-cpu.js";

/**
 * The service with telemetry off (no OTEL_* or Application Insights variable), with it on (OTLP
 * over http/protobuf to `otlpUrl`), and earlier builds (`earlier`, those that could be built)
 * with no telemetry variable either, each on a store partition of its own.
 */
export function telemetryVariants(options: {
  script: string;
  earlier: { name: string; script: string }[];
  serviceEnv: Record<string, string>;
  storageEnv: (partition: string) => Record<string, string>;
  otlpUrl: string;
  exportDelayMs: number;
}): TriggerCpuVariant[] {
  const env = (partition: string) => ({ ...options.serviceEnv, ...options.storageEnv(partition) });
  const delay = String(options.exportDelayMs);
  return [
    ...options.earlier.map((build) => ({ ...build, env: env(`bench-cpu-${build.name}`) })),
    { name: "off", script: options.script, env: env("bench-cpu-off") },
    {
      name: "on",
      script: options.script,
      env: {
        ...env("bench-cpu-on"),
        OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        // Batches and metrics sent within the measured window, not after it (defaults: 5 s, 60 s).
        OTEL_BSP_SCHEDULE_DELAY: delay,
        OTEL_BLRP_SCHEDULE_DELAY: delay,
        OTEL_METRIC_EXPORT_INTERVAL: delay,
      },
    },
  ];
}
