import { PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MetricReader } from "@opentelemetry/sdk-metrics";

/**
 * A metric reader that exports nothing by itself: `GET /metrics` pulls from it and answers the
 * Prometheus text, so a scraper needs no port of its own.
 */
export class PullReader extends MetricReader {
  readonly #serializer = new PrometheusSerializer();

  async text(): Promise<string> {
    const { resourceMetrics } = await this.collect();
    return this.#serializer.serialize(resourceMetrics);
  }

  protected async onForceFlush(): Promise<void> {}

  protected async onShutdown(): Promise<void> {}
}
