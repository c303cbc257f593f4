import ky, { isHTTPError, isNetworkError, isTimeoutError } from "ky";
import { ApiError } from "./api-error.js";
import type { Connection } from "./connection.js";
import { envNames } from "./env-names.js";
import { defaultRetryOptions, kyRetry, type RetryOptions } from "./retry-policy.js";
import type { Run, RunLogs, RunPage } from "./run-types.js";
import { sseParser, type SseMessage } from "./sse.js";

/** The body of `POST /runs`. */
export interface RunRequest {
  env?: Record<string, string>;
  command?: string[];
  /** the service's limit on the run's own time (not the client's wait) */
  timeoutSeconds?: number;
  maxRetries?: number;
  retryOnTimeout?: boolean;
  /** where the service sends this run's events too (an origin it allows) */
  webhookUrl?: string;
}

/** `GET /runs` filters and paging. */
export interface ListQuery {
  status?: string;
  limit?: number;
  cursor?: string;
}

/** The service's run routes. Each answer is the service's JSON as sent, typed as the client reads it. */
export interface RunsApi {
  start(request: RunRequest, idempotencyKey?: string): Promise<Run>;
  get(id: string): Promise<Run>;
  list(query: ListQuery): Promise<RunPage>;
  logs(id: string, tail?: number): Promise<RunLogs>;
  /** The run's log lines after line `after` as the service archives them, until the run's end (`follow=true`). */
  follow(id: string, after: number, signal?: AbortSignal): AsyncGenerator<LogEvent>;
  cancel(id: string): Promise<Run>;
}

/** What following a run's log brings: a line (or a note of the service's log archive) by its number, then the run's end. */
export type LogEvent = { kind: "line" | "notice"; id: number; text: string } | { kind: "end"; status: string };

export interface ApiClientOptions {
  retry?: RetryOptions;
  /** One timeout per attempt. */
  requestTimeoutMs?: number;
}

const defaultRequestTimeoutMs = 60_000;

function errorCode(body: unknown): { code: string; message: string } | undefined {
  const error = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === "string" ? { code, message: typeof message === "string" ? message : "" } : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What to do about a 401: give a key, or drop the one a keyless service (the local demo) refuses. */
function unauthorizedHint(keySent: boolean): string {
  return keySent
    ? ` The key was refused: check ${envNames.key}, --key or --stack (a demo started without TRIGGER_API_KEYS takes no key: unset ${envNames.key}).`
    : ` This service needs a key: set ${envNames.key}, or pass --stack NAME (or --key).`;
}

/** Why fetch failed, in words that never include a header (the key travels in one). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return "the connection failed";
}

/**
 * A client of the service's `/runs` routes with one bearer key, on ky: each attempt has its own
 * timeout and is retried only as `retry-policy` allows; a refusal becomes an `ApiError` named by
 * the service's `error.code`.
 */
export function runsApi(connection: Connection, options: ApiClientOptions = {}): RunsApi {
  const timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const origin = new URL(connection.url).origin;
  const client = ky.create({
    headers: { ...(connection.key === undefined ? {} : { authorization: `Bearer ${connection.key}` }), accept: "application/json" },
    retry: kyRetry(options.retry ?? defaultRetryOptions),
    timeout: timeoutMs,
  });

  /** ky's errors in the CLI's words; anything else is not the network's doing and goes on as is. */
  function apiError(method: string, path: string, error: unknown): unknown {
    if (isTimeoutError(error)) return new ApiError("Timeout", `${origin} did not answer ${method} ${path} within ${timeoutMs / 1000}s.`);
    if (isNetworkError(error)) return new ApiError("Unreachable", `could not reach ${origin}: ${networkReason(error.cause)}.`);
    if (!isHTTPError(error)) return error;
    const { status, statusText } = error.response;
    const body = typeof error.data === "string" ? parseJson(error.data) : error.data;
    const refusal = errorCode(body);
    if (refusal) return new ApiError(refusal.code, `${refusal.message}${status === 401 ? unauthorizedHint(connection.key !== undefined) : ""}`, status, body);
    return new ApiError("HttpError", `${method} ${path} answered ${status} ${statusText}`.trim() + ".", status, body);
  }

  async function call<T>(method: "GET" | "POST", path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await client(`${connection.url}${path}`, { method, headers, ...(body === undefined ? {} : { json: body }) });
      text = await response.text();
    } catch (error) {
      throw apiError(method, path, error);
    }
    const parsed = text === "" ? undefined : parseJson(text);
    if (parsed === undefined) throw new ApiError("InvalidAnswer", `${method} ${path} answered ${response.status} without JSON.`, response.status);
    return parsed as T;
  }

  /** The log's events from the service's stream; the stream's own retries are the caller's (it knows the last line). */
  async function* follow(id: string, after: number, signal?: AbortSignal): AsyncGenerator<LogEvent> {
    const path = `${runPath(id)}/logs?follow=true`;
    let response: Response;
    try {
      response = await client(`${connection.url}${path}`, {
        headers: { accept: "text/event-stream", ...(after > 0 ? { "last-event-id": String(after) } : {}) },
        retry: 0,
        timeout: timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw apiError("GET", path, error);
    }
    const body = response.body;
    if (!body || !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      throw new ApiError("InvalidAnswer", `GET ${path} answered ${response.status} without an event stream.`, response.status);
    }
    const parser = sseParser();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
          const event = logEvent(message);
          if (event) yield event;
          if (event?.kind === "end") return;
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw new ApiError("Unreachable", `the log stream from ${origin} broke: ${networkReason(error)}.`);
    }
  }

  const runPath = (id: string) => `/runs/${encodeURIComponent(id)}`;
  return {
    start: (request, idempotencyKey) => call("POST", "/runs", request, idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey }),
    get: (id) => call("GET", runPath(id)),
    list: (query) => {
      const search = new URLSearchParams();
      if (query.status !== undefined) search.set("status", query.status);
      if (query.limit !== undefined) search.set("limit", String(query.limit));
      if (query.cursor !== undefined) search.set("cursor", query.cursor);
      const qs = search.toString();
      return call("GET", `/runs${qs ? `?${qs}` : ""}`);
    },
    logs: (id, tail) => call("GET", `${runPath(id)}/logs${tail === undefined ? "" : `?tail=${tail}`}`),
    follow,
    cancel: (id) => call("POST", `${runPath(id)}/cancel`),
  };
}

/** A message of the service's log stream as an event; one of a kind this client does not know is skipped. */
function logEvent(message: SseMessage): LogEvent | undefined {
  if (message.event === "end") {
    const status = (parseJson(message.data) as { status?: unknown } | undefined)?.status;
    return { kind: "end", status: typeof status === "string" ? status : "" };
  }
  const id = Number(message.id);
  if (!Number.isSafeInteger(id)) return undefined;
  if (message.event === "message") return { kind: "line", id, text: message.data };
  if (message.event === "notice") return { kind: "notice", id, text: message.data };
  return undefined;
}
