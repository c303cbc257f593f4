import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { FollowEvent } from "../runs/archived-logs.js";

// A comment line this often keeps proxies from closing a stream that waits for a quiet run.
const keepAliveMs = 15_000;

/** The last line a reconnecting follower saw (`Last-Event-ID`); 0 for a first connection. */
export function lastEventId(header: string | undefined): number {
  return header !== undefined && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : 0;
}

/**
 * One follow event in the server-sent events format: a line as `id: <n>` and `data: <text>` (a
 * carriage return, which would split it, left out), a note of the archive as `event: notice`, and
 * the run's end as `event: end` with its status.
 */
export function sseMessage(event: FollowEvent): string {
  if (event.kind === "end") return `event: end\ndata: ${JSON.stringify({ status: event.status })}\n\n`;
  const data = `data: ${event.text.replaceAll("\r", "")}\n`;
  return `${event.kind === "notice" ? "event: notice\n" : ""}id: ${event.id}\n${data}\n`;
}

/**
 * Streams `events` as `text/event-stream`. `follow` answers them once the run is found, so a run
 * that is not there is answered as an error, not as an empty stream.
 */
export async function followResponse(c: Context, follow: (signal: AbortSignal) => Promise<AsyncGenerator<FollowEvent>>): Promise<Response> {
  const stop = new AbortController();
  const events = await follow(stop.signal);
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => stop.abort());
    const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n").catch(() => stop.abort()), keepAliveMs);
    try {
      for await (const event of events) {
        if (stop.signal.aborted) break;
        await stream.write(sseMessage(event));
      }
    } finally {
      clearInterval(keepAlive);
      stop.abort();
      await events.return(undefined);
    }
  });
}
