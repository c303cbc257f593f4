import { apiKey } from "./fixture.js";

const auth = { authorization: `Bearer ${apiKey}` };

/** POST /runs with `env`; the status code and, on 202, the run id. */
export async function startRun(baseUrl: string, env: Record<string, string>): Promise<{ status: number; id?: string }> {
  const response = await fetch(`${baseUrl}/runs`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ env }),
  });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, ...(response.status === 202 && body.id ? { id: body.id } : {}) };
}

/** GET /runs/{id}; the status code (the body is read, as a client would). */
export async function runStatus(baseUrl: string, id: string): Promise<number> {
  const response = await fetch(`${baseUrl}/runs/${id}`, { headers: auth });
  await response.arrayBuffer();
  return response.status;
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
