import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { entitiesInResponse } from "./table-entities.js";

/** One request the proxy forwarded: what the service asked the store for. */
export interface ProxiedRequest {
  method: string;
  /** The path without the query (the query carries filters and, with SAS, secrets). */
  path: string;
  /** Entities its answer carried; 0 until the answer has passed in full. */
  entities: number;
  /** When it arrived and when its answer had passed in full (NaN until then), epoch milliseconds. */
  startedAtMs: number;
  endedAtMs: number;
}

/** A loopback HTTP proxy in front of one origin that counts what passes through it. */
export interface CountingProxy {
  /** The proxy's origin, e.g. http://127.0.0.1:40123. */
  origin: string;
  /** Every request forwarded so far, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /** Entities in every answer that has passed in full so far. */
  entitiesRead(): number;
  close(): Promise<void>;
}

/**
 * Starts a counting proxy for `target` (an http origin) on an ephemeral 127.0.0.1 port. It
 * forwards method, path, headers and body unchanged over kept-alive connections, so a Shared
 * Key signature (which covers the path, not the host) still holds.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  let entitiesRead = 0;

  const server = createServer((req, res) => {
    const record: ProxiedRequest = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0] ?? "/", entities: 0, startedAtMs: Date.now(), endedAtMs: Number.NaN };
    requests.push(record);
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // Counted as the answer passes, so the count of a request is known once its caller has it.
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.once("end", () => {
          record.entities = entitiesInResponse(answer.headers["content-type"], Buffer.concat(chunks).toString("utf8"));
          entitiesRead += record.entities;
          record.endedAtMs = Date.now();
        });
        answer.pipe(res);
      },
    );
    forward.once("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    entitiesRead: () => entitiesRead,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
