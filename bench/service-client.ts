import type { RunView } from "../service/core/run.js";
import { apiKey } from "./fixture.js";

const auth = { authorization: `Bearer ${apiKey}` };

/** POST /runs with `env`; the status code and, on 202, the run's id and status (queued or starting). */
export async function startRun(baseUrl: string, env: Record<string, string>): Promise<{ status: number; id?: string; state?: RunView["status"] }> {
  const response = await fetch(`${baseUrl}/runs`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ env }),
  });
  const body = (await response.json()) as Partial<RunView>;
  return { status: response.status, ...(response.status === 202 && body.id ? { id: body.id, state: body.status } : {}) };
}

/** GET /runs/{id}; the status code (the body is read, as a client would). */
export async function runStatus(baseUrl: string, id: string): Promise<number> {
  const response = await fetch(`${baseUrl}/runs/${id}`, { headers: auth });
  await response.arrayBuffer();
  return response.status;
}

/** GET /runs/{id}: the run as the service sees it now (the read refreshes an active run from ARM). */
export async function readRun(baseUrl: string, id: string): Promise<RunView> {
  const response = await fetch(`${baseUrl}/runs/${id}`, { headers: auth });
  if (response.status !== 200) throw new Error(`GET /runs/${id} answered ${response.status}`);
  return (await response.json()) as RunView;
}

/** GET /runs with `query` (limit, cursor, status): one page of the history, newest first. */
export async function listRuns(baseUrl: string, query: Record<string, string>): Promise<{ runs: RunView[]; nextCursor: string | null }> {
  const response = await fetch(`${baseUrl}/runs?${new URLSearchParams(query)}`, { headers: auth });
  if (response.status !== 200) throw new Error(`GET /runs answered ${response.status}`);
  return (await response.json()) as { runs: RunView[]; nextCursor: string | null };
}

/** GET /healthz once; 0 while nothing listens yet. */
export async function healthz(baseUrl: string): Promise<number> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
