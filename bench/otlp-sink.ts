import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface OtlpSink {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Export requests received so far, by path (`/v1/traces`, `/v1/metrics`, `/v1/logs`). */
  requests(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP receiver on 127.0.0.1 that reads each export and discards it, answering 200 with
 * an empty protobuf body (an export response with nothing rejected): the collector's part costs
 * the service nothing beyond its own encoding and sending.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  const counts: Record<string, number> = {};
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = req.url ?? "";
      counts[path] = (counts[path] ?? 0) + 1;
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => ({ ...counts }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
