import * as coreTracing from "@azure/core-tracing";
import { AzureSdkInstrumentation } from "@azure/opentelemetry-instrumentation-azure-sdk";

/**
 * Turns on the spans the Azure SDKs emit through `@azure/core-tracing` (ARM, tables, queues,
 * blobs). The instrumentation patches the module when it is `require`d, which never happens to
 * an ESM import or inside the bundle: its patch is applied to the module we import instead.
 */
export function enableAzureSdkSpans(): void {
  const instrumentation = new AzureSdkInstrumentation({ enabled: false });
  for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.(coreTracing);
}
