import { beforeEach, describe, expect, it } from "vitest";
import { useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, jsonHeaders, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();
beforeEach(() => arm.emulator.clearRequests());
/** ARM requests since the test began. */
const armCalls = () => arm.emulator.requests.length;

describe("request shapes", () => {
  it("answers an unknown path with 404 NotFound in the error shape", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/nowhere");
    expect(res.status).toBe(404);
    expect(await bodyOf(res)).toEqual({ error: { code: "NotFound", message: expect.any(String) } });
  });

  it("answers a wrong method on a known path with 405 and Allow", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/runs/run-1", { method: "DELETE", headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect((await bodyOf(res)).error.code).toBe("MethodNotAllowed");
    const healthz = await app.request("/healthz", { method: "POST" });
    expect(healthz.status).toBe(405);
  });

  it("answers a non-JSON body with 415 UnsupportedMediaType and reads nothing", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/runs", { method: "POST", headers: { ...auth, "Content-Type": "text/plain" }, body: "{}" });
    expect(res.status).toBe(415);
    expect((await bodyOf(res)).error.code).toBe("UnsupportedMediaType");
    expect(armCalls()).toBe(0);
  });

  it("accepts JSON with a charset parameter", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await postRun(app, { env: {} }, { "Content-Type": "application/json; charset=utf-8" });
    expect(res.status).toBe(202);
  });

  it("answers a body over the limit with 413 PayloadTooLarge, with or without Content-Length", async () => {
    const { app } = await buildApp(arm.emulator, { config: { limits: { maxEnvCount: 20, maxEnvBytes: 100_000, maxBodyBytes: 1024 } } });
    const body = JSON.stringify({ env: { BIG: "x".repeat(2000) } });
    const streamed = await postRun(app, body);
    expect(streamed.status).toBe(413);
    expect((await bodyOf(streamed)).error.code).toBe("PayloadTooLarge");
    const declared = await postRun(app, body, { "Content-Length": String(body.length) });
    expect(declared.status).toBe(413);
    expect(armCalls()).toBe(0);
  });

  it("answers malformed JSON with 400 InvalidRequest", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await postRun(app, "{not json");
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.code).toBe("InvalidRequest");
  });

  it("starts a run for an empty JSON body, as for {}", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await postRun(app, "");
    expect(res.status).toBe(202);
    expect(await bodyOf(res)).toMatchObject({ status: "starting", env: {} });
  });

  it("points a variable sent at the top level to env", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await postRun(app, { GREETING: "hello" });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.message).toBe('body: has unknown key(s): GREETING; a job\'s variables go under "env", as {"env":{"GREETING":"…"}}');
  });

  it.each([
    [{ env: { A: 1 } }, "env.A"],
    [{ env: { "1BAD": "x" } }, "env.1BAD"],
    [{ env: {}, extra: true }, "extra"],
    [{ env: {}, command: [] }, "command"],
    [[], "body"],
  ])("answers an invalid body %j with 400 naming %s", async (body, field) => {
    const { app } = await buildApp(arm.emulator);
    const res = await postRun(app, body);
    expect(res.status).toBe(400);
    const { error } = await bodyOf(res);
    expect(error.code).toBe("InvalidRequest");
    expect(error.message).toContain(field);
    expect(armCalls()).toBe(0);
  });

  it("enforces the env count limit from the configuration", async () => {
    const { app } = await buildApp(arm.emulator, { config: { limits: { maxEnvCount: 2, maxEnvBytes: 4096, maxBodyBytes: 16384 } } });
    const res = await postRun(app, { env: { A: "1", B: "2", C: "3" } });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.message).toContain("limit of 2");
  });

  it("never echoes a rejected env value", async () => {
    const { app } = await buildApp(arm.emulator, { config: { limits: { maxEnvCount: 20, maxEnvBytes: 10, maxBodyBytes: 16384 } } });
    const res = await postRun(app, { env: { TOKEN: "value-that-must-not-echo" } });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain("value-that-must-not-echo");
  });

  it("echoes a caller's X-Request-Id and generates one otherwise", async () => {
    const { app } = await buildApp(arm.emulator);
    const echoed = await app.request("/healthz", { headers: { "X-Request-Id": "caller-123" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("caller-123");
    const generated = await app.request("/healthz", { headers: jsonHeaders });
    expect(generated.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
