import { eventually } from "./emulator.js";

/** Starts a run on the service at `url` with `body` and answers its id once it has succeeded. */
export async function finishedRun(url: string, auth: Record<string, string>, body: unknown = {}): Promise<string> {
  const started = await fetch(`${url}/runs`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (started.status !== 202) throw new Error(`POST /runs answered ${started.status}: ${await started.text()}`);
  const { id } = (await started.json()) as { id: string };
  await eventually(
    async () => (await (await fetch(`${url}/runs/${id}`, { headers: auth })).json()) as { status: string },
    (view) => view.status === "succeeded",
  );
  return id;
}
