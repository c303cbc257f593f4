import { beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../service/logger.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { apiKeys, auth, buildApp, dbPassword, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();
beforeEach(() => arm.emulator.clearRequests());
/** ARM requests since the test began. */
const armCalls = () => arm.emulator.requests.length;

describe("request logs", () => {
  it("writes one JSON line per request carrying the request id, run id and status", async () => {
    const { app, lines } = await buildApp(arm.emulator);
    await postRun(app, { env: {} }, { "X-Request-Id": "req-1" });
    const request = lines().find((l) => l["msg"] === "request");
    expect(request).toMatchObject({ level: "info", requestId: "req-1", runId: expect.any(String), method: "POST", path: "/runs", status: 202 });
    expect(lines().find((l) => l["msg"] === "run started")).toMatchObject({ requestId: "req-1", runId: request?.["runId"] });
  });

  it("never contains keys, env values, secrets or idempotency keys, whatever happens", async () => {
    const { app, raw, groups } = await buildApp(arm.emulator);
    const started = await postRun(app, { env: { INPUT: "caller-value-42" } }, { "Idempotency-Key": "idem-key-secret" });
    const { id } = (await started.json()) as { id: string };
    await postRun(app, { env: { INPUT: "caller-value-43" } }, { "Idempotency-Key": "idem-key-secret" });
    await app.request(`/runs/${id}`, { headers: { Authorization: "Bearer wrong-key-guess-0001" } });
    arm.emulator.faults.add({ status: 500, method: "GET", path: groups[0], count: 10 });
    await app.request(`/runs/${id}`, { headers: auth });
    arm.emulator.faults.clear();
    const all = raw.join("\n");
    expect(raw.length).toBeGreaterThan(3);
    for (const secret of [...apiKeys, dbPassword, "caller-value-42", "caller-value-43", "idem-key-secret", "wrong-key-guess-0001"]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe("createLogger", () => {
  it("drops lines below the configured level", () => {
    const out: string[] = [];
    const log = createLogger({ level: "warn", write: (line) => out.push(line) });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(out.map((line) => JSON.parse(line).msg)).toEqual(["w", "e"]);
  });

  it("redacts fields named like secrets at any depth and keeps the rest", () => {
    const out: string[] = [];
    const log = createLogger({ level: "debug", write: (line) => out.push(line) }).child({ requestId: "r" });
    log.info("m", { authorization: "Bearer x", nested: { apiKey: "k", env: { A: "1" }, count: 2 }, runId: "run-1" });
    const line = JSON.parse(out[0] ?? "{}");
    expect(line).toMatchObject({
      level: "info",
      msg: "m",
      requestId: "r",
      runId: "run-1",
      authorization: "[redacted]",
      nested: { apiKey: "[redacted]", env: "[redacted]", count: 2 },
    });
    expect(typeof line.time).toBe("string");
  });

  it("logs an error by name, code and status, not by its message", () => {
    const out: string[] = [];
    const log = createLogger({ level: "debug", write: (line) => out.push(line) });
    log.error("failed", { error: Object.assign(new Error("quoted secret-value"), { code: "Boom", statusCode: 500 }) });
    expect(out[0]).not.toContain("secret-value");
    expect(JSON.parse(out[0] ?? "{}").error).toMatchObject({ name: "Error", code: "Boom", statusCode: 500 });
  });
});
