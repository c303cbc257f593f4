import { sseParser, type SseMessage } from "../../cli/sse.js";

export interface Followed {
  status: number;
  contentType: string;
  /** every event received, in order */
  events: SseMessage[];
}

/**
 * Follows a run's log stream (`GET /runs/{id}/logs?follow=true`) from `lastEventId`, as a
 * browser's EventSource would, until the stream ends or `stopAfter` lines came (then it hangs up).
 */
export async function followLog(url: string, key: string, runId: string, options: { lastEventId?: number; stopAfter?: number } = {}): Promise<Followed> {
  const hangUp = new AbortController();
  const response = await fetch(`${url}/runs/${runId}/logs?follow=true`, {
    headers: {
      authorization: `Bearer ${key}`,
      accept: "text/event-stream",
      ...(options.lastEventId === undefined ? {} : { "last-event-id": String(options.lastEventId) }),
    },
    signal: hangUp.signal,
  });
  const events: SseMessage[] = [];
  const parser = sseParser();
  const decoder = new TextDecoder();
  let lines = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
        events.push(event);
        if (event.event === "message") lines += 1;
        if (options.stopAfter !== undefined && lines >= options.stopAfter) {
          hangUp.abort();
          return { status: response.status, contentType: response.headers.get("content-type") ?? "", events };
        }
      }
    }
  } catch (error) {
    if (!hangUp.signal.aborted) throw error;
  }
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", events };
}
