import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** A loopback TCP link to `target` that a test can cut, as a network outage would. */
export interface CuttableLink {
  /** `target` with its host and port replaced by the link's. */
  url: string;
  /** Drops every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Stops relaying bytes, on open connections and new ones, without closing any: a peer that hangs. */
  stall(): void;
}

/** Starts a byte-for-byte TCP relay to the origin of `target` (an http URL) on an ephemeral port. */
export async function startCuttableLink(target: string): Promise<CuttableLink> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let stalled = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((client) => {
    if (stalled) {
      track(client);
      client.pause();
      return;
    }
    const origin = connect(Number(upstream.port), upstream.hostname);
    track(client);
    track(origin);
    client.once("close", () => origin.destroy());
    origin.once("close", () => client.destroy());
    client.pipe(origin).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.toString(),
    stall: () => {
      stalled = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
