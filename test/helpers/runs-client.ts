import { eventually } from "./emulator.js";

/** What the service answers, success or error, as the tests read it. */
export interface ApiBody {
  id?: string;
  status?: string;
  group?: string;
  image?: string;
  dispatchedAt?: string;
  exitCode?: number;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  content?: string;
  attempt?: number;
  retryAt?: string;
  attempts?: Array<{ attempt: number; group?: string; status: string; exitCode?: number; message?: string; dispatchedAt?: string }>;
  checks?: Record<string, string>;
  error?: { code: string; message: string; [detail: string]: unknown };
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: ApiBody;
}

/** The run routes of one service process, called with one bearer key, as a caller would. */
export interface RunsClient {
  start(body: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  status(id: string): Promise<ApiAnswer>;
  logs(id: string, tail?: number): Promise<ApiAnswer>;
  cancel(id: string): Promise<ApiAnswer>;
  /** Polls the run's status until it is one of `statuses`, and returns that answer. */
  waitFor(id: string, statuses: readonly string[], timeoutMs?: number): Promise<ApiAnswer>;
  /** Any other request to the service, with the key (and JSON content type when there is a body). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
}

async function answer(response: Response): Promise<ApiAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? {} : (JSON.parse(text) as ApiBody) };
}

/** A client of `url` that sends `Authorization: Bearer <key>` on every request. */
export function runsClient(url: string, key: string): RunsClient {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    answer(
      await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  const status = (id: string) => call("GET", `/runs/${id}`);
  return {
    start: (body, headers) => call("POST", "/runs", body, headers),
    status,
    logs: (id, tail) => call("GET", `/runs/${id}/logs${tail === undefined ? "" : `?tail=${tail}`}`),
    cancel: (id) => call("POST", `/runs/${id}/cancel`),
    waitFor: (id, statuses, timeoutMs = 20_000) =>
      eventually(() => status(id), (a) => a.status === 200 && statuses.includes(a.body.status ?? ""), timeoutMs),
    call,
  };
}

/** GET of an open route (probes, OpenAPI) without any key. */
export async function getOpen(url: string, path: string): Promise<ApiAnswer> {
  return answer(await fetch(`${url}${path}`));
}
