import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runsApi } from "../../cli/api-client.js";
import { defaultRetryOptions } from "../../cli/retry-policy.js";

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | "drop" | "hang";

/** An HTTP server that answers each request with the next scripted answer, and records what came. */
async function scriptedService(answers: Answer[]) {
  const seen: { method: string; url: string; idempotencyKey: string | undefined }[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push({ method: request.method ?? "", url: request.url ?? "", idempotencyKey: request.headers["idempotency-key"] as string | undefined });
    const answer = answers.shift() ?? { status: 500 };
    request.resume();
    if (answer === "drop") return void request.socket.destroy();
    if (answer === "hang") return void hanging.push(response);
    response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    response.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const run = { id: "r1", status: "starting" };
const busy = (retryAfter?: string): Answer => ({
  status: 503,
  ...(retryAfter === undefined ? {} : { headers: { "retry-after": retryAfter } }),
  body: { error: { code: "ArmBusy", message: "Azure is throttling." } },
});
const fast = { ...defaultRetryOptions, networkDelayMs: 1 };

describe("the CLI's client of the service", () => {
  const services: { close(): Promise<void> }[] = [];
  const serve = async (answers: Answer[]) => {
    const service = await scriptedService(answers);
    services.push(service);
    return { service, api: runsApi({ url: service.url, key: "client-test-key-0123" }, { retry: fast, requestTimeoutMs: 2000 }) };
  };
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  it("repeats a start refused with Retry-After, with the same idempotency key, and returns the accepted run", async () => {
    const { service, api } = await serve([{ status: 429, headers: { "retry-after": "0" }, body: { error: { code: "TooManyRequests", message: "" } } }, busy("0"), { status: 202, body: run }]);

    await expect(api.start({ env: { A: "1" } }, "key-1")).resolves.toEqual(run);
    expect(service.seen).toEqual(Array(3).fill({ method: "POST", url: "/runs", idempotencyKey: "key-1" }));
  });

  it("does not repeat a 503 without Retry-After, nor other statuses even with one: the service's code is the error", async () => {
    const failure: Answer = { status: 500, headers: { "retry-after": "0" }, body: { error: { code: "InternalError", message: "boom" } } };
    for (const [answer, code] of [[busy(), "ArmBusy"], [failure, "InternalError"]] as const) {
      const { service, api } = await serve([answer, { status: 200, body: run }]);
      await expect(api.get("r1")).rejects.toMatchObject({ name: "ApiError", code });
      expect(service.seen).toHaveLength(1);
    }
  });

  it("reports at once a Retry-After beyond its bound, or in a form the service does not send, instead of waiting", async () => {
    for (const retryAfter of [String(defaultRetryOptions.maxRetryAfterMs / 1000 + 1), "soon"]) {
      const { service, api } = await serve([busy(retryAfter), { status: 200, body: run }]);
      await expect(api.get("r1")).rejects.toMatchObject({ code: "ArmBusy", status: 503 });
      expect(service.seen).toHaveLength(1);
    }
  });

  it("stops after its limit of retries", async () => {
    const { service, api } = await serve(Array(defaultRetryOptions.limit + 2).fill(busy("0")));

    await expect(api.get("r1")).rejects.toMatchObject({ code: "ArmBusy" });
    expect(service.seen).toHaveLength(defaultRetryOptions.limit + 1);
  });

  it("repeats a read whose connection failed, never a POST the service may have acted on", async () => {
    const read = await serve(["drop", "drop", { status: 200, body: run }]);
    await expect(read.api.get("r1")).resolves.toEqual(run);
    expect(read.service.seen).toHaveLength(3);

    const start = await serve(["drop", { status: 202, body: run }]);
    await expect(start.api.start({})).rejects.toMatchObject({ code: "Unreachable" });
    expect(start.service.seen).toHaveLength(1);
  });

  it("gives up on an attempt past its timeout without repeating it", async () => {
    const service = await scriptedService(["hang", { status: 200, body: run }]);
    services.push(service);
    const api = runsApi({ url: service.url, key: "client-test-key-0123" }, { retry: fast, requestTimeoutMs: 200 });

    await expect(api.get("r1")).rejects.toMatchObject({ code: "Timeout" });
    expect(service.seen).toHaveLength(1);
  });

  it("names an answer without JSON, and an error without the service's code by its status", async () => {
    const { api } = await serve([{ status: 200 }, { status: 502, headers: { "content-type": "text/plain" } }]);

    await expect(api.get("r1")).rejects.toMatchObject({ code: "InvalidAnswer" });
    await expect(api.get("r1")).rejects.toMatchObject({ code: "HttpError", status: 502 });
  });
});
