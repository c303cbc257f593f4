import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { triggerEnv } from "../helpers/trigger-env.js";

/** One raw HTTP/1.1 exchange, so the answer is read as the server wrote it. */
function send(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/runs`, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a request whose headers pass Node's limit", () => {
  let emulator: Emulator;
  let service: ServiceProcess;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    emulator.putGroup(testSubscriptionId, testResourceGroup, "job", jobGroup(), { terminated: true });
    service = await startServiceProcess(triggerEnv(emulator, "job", { TRIGGER_API_KEYS: "oversized-headers-key-0123456789" }));
  });

  afterAll(async () => {
    await service?.stop();
    await emulator?.close();
  });

  it("gets 431 HeadersTooLarge as JSON with an X-Request-Id, like every other error", async () => {
    const answer = await send(service.url, { Authorization: `Bearer ${"x".repeat(100_000)}` });
    expect(answer.status).toBe(431);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: "HeadersTooLarge", message: expect.stringContaining("16 KB") } });
  });

  it("still answers an ordinary request on a new connection", async () => {
    expect((await send(service.url, {})).status).toBe(401);
  });
});
