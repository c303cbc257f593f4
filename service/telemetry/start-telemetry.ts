import type { TelemetryConfig } from "../config.js";
import { noTelemetry, type Telemetry } from "./telemetry.js";

/**
 * The service's telemetry for `config`: `noTelemetry` when nothing is configured, without
 * loading the SDK at all; else the SDK, loaded on demand and registered globally.
 */
export async function startTelemetry(config: TelemetryConfig): Promise<Telemetry> {
  if (!config.otlp && !config.metricsRoute && config.appInsightsConnectionString === undefined) return noTelemetry;
  const { startSdkTelemetry } = await import("./sdk-telemetry.js");
  return startSdkTelemetry(config);
}
