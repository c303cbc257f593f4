import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { generateTlsMaterial } from "../emulator/index.js";
import type { ReceivedDelivery } from "./webhook-figures.js";

export interface BenchReceiver {
  /** https://127.0.0.1:PORT/hook */
  url: string;
  /** its certificate, for the service's NODE_EXTRA_CA_CERTS */
  caPem: string;
  received: ReceivedDelivery[];
  /** the most requests it held at once */
  maxInFlight(): number;
  /** the requests it held, on average over the time from its first arrival to its last answer */
  meanInFlight(): number;
  close(): Promise<void>;
}

/**
 * A local HTTPS receiver on a certificate of its own that answers 200 `delayMs` after it has a
 * delivery's whole body (a receiver doing its work before it answers), stamping each arrival with
 * this process's wall clock, which the service's event timestamps share. It does not verify the
 * signatures: the tests do, and the bench measures the sender.
 */
export async function startBenchReceiver(delayMs: number): Promise<BenchReceiver> {
  const tls = generateTlsMaterial();
  const received: ReceivedDelivery[] = [];
  let inFlight = 0;
  let most = 0;
  // The area under the in-flight count over time, and the span it covers.
  let heldMs = 0;
  let firstMs: number | undefined;
  let lastMs = 0;
  const server = createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
    const arrivedMs = performance.now();
    firstMs ??= arrivedMs;
    inFlight += 1;
    most = Math.max(most, inFlight);
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const receivedAtMs = Date.now();
      const event = JSON.parse(Buffer.concat(chunks).toString()) as { timestamp: string; data: { id: string } };
      received.push({ id: String(request.headers["webhook-id"]), runId: event.data.id, eventAtMs: Date.parse(event.timestamp), receivedAtMs });
      setTimeout(() => {
        inFlight -= 1;
        lastMs = performance.now();
        heldMs += lastMs - arrivedMs;
        response.end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    caPem: tls.ca,
    received,
    maxInFlight: () => most,
    meanInFlight: () => (firstMs === undefined || lastMs <= firstMs ? 0 : heldMs / (lastMs - firstMs)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
