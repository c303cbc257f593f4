import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One OTLP/JSON attribute: `{ key, value: { stringValue | intValue | … } }`. */
export interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Every body received, by path (`/v1/traces`, `/v1/metrics`, `/v1/logs`), decoded. */
  bodies: Map<string, Array<Record<string, any>>>;
  /** Every request received, whatever its path. */
  count(): number;
  spans(): OtlpSpan[];
  logRecords(): Array<Record<string, any>>;
  metrics(): Array<Record<string, any>>;
  close(): Promise<void>;
}

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps what it is sent as JSON (`http/json` protocol). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies = new Map<string, Array<Record<string, any>>>();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      count += 1;
      const path = req.url ?? "";
      const text = Buffer.concat(chunks).toString("utf8");
      bodies.set(path, [...(bodies.get(path) ?? []), JSON.parse(text) as Record<string, any>]);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const of = (path: string) => bodies.get(path) ?? [];
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    count: () => count,
    spans: () => of("/v1/traces").flatMap((body) => body["resourceSpans"].flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans))),
    logRecords: () => of("/v1/logs").flatMap((body) => body["resourceLogs"].flatMap((r: any) => r.scopeLogs.flatMap((s: any) => s.logRecords))),
    metrics: () => of("/v1/metrics").flatMap((body) => body["resourceMetrics"].flatMap((r: any) => r.scopeMetrics.flatMap((s: any) => s.metrics))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value of attribute `key`, whatever its OTLP type. */
export function attributeOf(attributes: OtlpAttribute[] | undefined, key: string): unknown {
  const value = attributes?.find((attribute) => attribute.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}
