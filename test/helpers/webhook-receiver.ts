import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { testTls } from "./emulator.js";

/** One delivery as a receiver saw it, and whether standardwebhooks' own `verify` accepted it. */
export interface ReceivedWebhook {
  id: string;
  path: string;
  body: string;
  verified: boolean;
  /** the receiver's answer */
  status: number;
}

export interface WebhookReceiver {
  /** https://127.0.0.1:PORT/hook */
  url: string;
  origin: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** The fields of an event body the tests look at. */
export interface EventBody {
  type: string;
  timestamp: string;
  data: { id: string; status: string; webhookUrl?: string };
}

export const eventOf = (delivery: ReceivedWebhook): EventBody => JSON.parse(delivery.body) as EventBody;

/**
 * A local HTTPS receiver on the tests' certificate (which the service processes trust), that
 * checks every delivery with `new Webhook(secret).verify` and answers what `answer` says (200 by
 * default): a failing receiver is a function of the deliveries it has seen.
 */
export async function startWebhookReceiver(secret: string, answer: (delivery: Omit<ReceivedWebhook, "status">) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer({ cert: testTls().cert, key: testTls().key }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      let verified = true;
      try {
        new Webhook(secret).verify(body, headers);
      } catch {
        verified = false;
      }
      const delivery = { id: headers["webhook-id"] ?? "", path: request.url ?? "", body, verified };
      const status = answer(delivery);
      received.push({ ...delivery, status });
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/hook`,
    origin,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Each webhook-id with every distinct body it arrived with: at least once, never two bodies under one id. */
export function bodiesById(received: readonly ReceivedWebhook[]): Map<string, Set<string>> {
  const bodies = new Map<string, Set<string>>();
  for (const delivery of received) bodies.set(delivery.id, (bodies.get(delivery.id) ?? new Set()).add(delivery.body));
  return bodies;
}
