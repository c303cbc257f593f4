import { isRestError } from "@azure/core-rest-pipeline";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { createLogger, type LogFields } from "../../service/logger.js";
import { logDestination, logFormat } from "../../service/logging/destination.js";
import { redactPaths } from "../../service/logging/redact-paths.js";
import { eventually, testResourceGroup, useArmEmulator } from "../helpers/emulator.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { ansiPattern, runOnPty } from "../helpers/pty.js";
import { startServiceExpectingExit } from "../helpers/service-exit.js";
import { bundlePath } from "../helpers/service-process.js";
import { apiKeys, auth, bodyOf, buildApp, dbPassword, getWithKey, postRun, testConfig } from "../helpers/service-app.js";

const arm = useArmEmulator();
beforeEach(() => arm.emulator.clearRequests());

/** A logger at debug level and the lines it wrote, raw. */
function capture(): { log: ReturnType<typeof createLogger>; out: string[]; line: (index?: number) => Record<string, any> } {
  const out: string[] = [];
  const log = createLogger({ level: "debug", write: (line) => out.push(line) });
  return { log, out, line: (index = 0) => JSON.parse(out[index] ?? "{}") };
}

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

  it("logs an unexpected 500 with the error's message and stack, and no secret of the request", async () => {
    const { app, raw, lines } = await buildApp(arm.emulator, {
      wrapRuns: (runs) => ({
        ...runs,
        // A genuine slip of our own code: a field read from something that is not there.
        start: async (request) => JSON.parse(JSON.stringify(request)).target.group,
      }),
    });
    const response = await postRun(app, { env: { INPUT: "caller-value-500" } }, { "X-Request-Id": "req-500" });

    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("TypeError");
    const failed = lines().find((l) => l["msg"] === "request failed");
    expect(failed).toMatchObject({ level: "error", requestId: "req-500", err: { type: "TypeError", message: expect.stringContaining("Cannot read properties of undefined") } });
    expect((failed?.["err"] as { stack: string }).stack).toMatch(/^TypeError: Cannot read properties of undefined[^\n]*\n\s+at /);
    const all = raw.join("\n");
    for (const secret of [...apiKeys, dbPassword, "caller-value-500"]) expect(all).not.toContain(secret);
  });
});

describe("the line that says a run ended", () => {
  const ended = (lines: () => Array<Record<string, unknown>>) => lines().filter((l) => l["msg"] === "run ended");
  const statusOf = async (app: Awaited<ReturnType<typeof buildApp>>["app"], id: string) => bodyOf(await getWithKey(app, `/runs/${id}`));

  it("is written once when a run succeeds, with its status, exit code, duration and group", async () => {
    const { app, groups, lines } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: {} }));
    expect(ended(lines)).toEqual([]);
    const done = await eventually(() => statusOf(app, run.id), (r) => r.status === "succeeded");
    await statusOf(app, run.id);

    expect(ended(lines)).toEqual([
      {
        level: "info",
        time: expect.any(String),
        msg: "run ended",
        runId: run.id,
        status: "succeeded",
        exitCode: 0,
        durationMs: Date.parse(done.finishedAt) - Date.parse(done.createdAt),
        group: groups[0],
      },
    ]);
  });

  it("says failed with the container's exit code", async () => {
    const { app, lines } = await buildApp(arm.emulator);
    const run = await bodyOf(await postRun(app, { env: { EMULATOR_EXIT_CODE: "3" } }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "failed");
    expect(ended(lines)).toMatchObject([{ runId: run.id, status: "failed", exitCode: 3, durationMs: expect.any(Number) }]);
  });

  it("says canceled, without an exit code, for a running and for a queued run", async () => {
    const { app, groups, lines } = await buildApp(arm.emulator, { maxQueued: 1 });
    const running = await bodyOf(await postRun(app, { env: { EMULATOR_RUN_MS: "600000" } }));
    const queued = await bodyOf(await postRun(app, { env: {} }));
    expect(queued.status).toBe("queued");
    for (const id of [queued.id, running.id]) expect((await app.request(`/runs/${id}/cancel`, { method: "POST", headers: auth })).status).toBe(200);
    await statusOf(app, running.id);

    const lines_ = ended(lines);
    expect(lines_).toMatchObject([
      { runId: queued.id, status: "canceled", durationMs: expect.any(Number) },
      { runId: running.id, status: "canceled", durationMs: expect.any(Number), group: groups[0] },
    ]);
    expect(lines_[0]).not.toHaveProperty("group");
    for (const line of lines_) expect(line).not.toHaveProperty("exitCode");
  });

  it("is written by one replica only when two observe the end together", async () => {
    const first = await buildApp(arm.emulator);
    const second = await buildApp(arm.emulator, { groups: first.groups, store: first.store });
    const run = await bodyOf(await postRun(first.app, { env: {} }));
    // Wait on ARM, not on the service: neither replica has looked at the ended group yet.
    await eventually(
      () => arm.client.containerGroups.get(testResourceGroup, first.groups[0]!),
      (group) => group.containers[0]?.instanceView?.currentState?.state === "Terminated",
    );
    const [a, b] = await Promise.all([statusOf(first.app, run.id), statusOf(second.app, run.id)]);

    expect([a.status, b.status]).toEqual(["succeeded", "succeeded"]);
    expect([...ended(first.lines), ...ended(second.lines)]).toMatchObject([{ runId: run.id, status: "succeeded" }]);
  });
});

// One case per declared path: a shape the service holds, logged under its usual field name.
const secret = "s3cret-value-0042";
const redactionCases: Record<(typeof redactPaths)[number], { fields: LogFields; kept?: string }> = {
  authorization: { fields: { authorization: `Bearer ${secret}` } },
  "headers.authorization": { fields: { headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" } }, kept: "application/json" },
  "headers.Authorization": { fields: { headers: { Authorization: `Bearer ${secret}`, "X-Request-Id": "req-7" } }, kept: "req-7" },
  "*.headers.authorization": { fields: { request: { method: "POST", headers: { authorization: `Bearer ${secret}` } } }, kept: "POST" },
  "*.headers.Authorization": { fields: { init: { method: "PUT", headers: { Authorization: `Bearer ${secret}` } } }, kept: "PUT" },
  token: { fields: { token: secret, expiresOn: 1234 } },
  "keys[*].value": { fields: { keys: [{ label: "ci-key", value: secret }] }, kept: "ci-key" },
  "auth.keys[*].value": { fields: { auth: { kind: "required", keys: [{ label: "ci-key", value: secret }] } }, kept: "ci-key" },
  "config.auth.keys[*].value": { fields: { config: { ...testConfig({ auth: { kind: "required", keys: [{ label: "ci-key", value: secret }] } }), secrets: {} } }, kept: "ci-key" },
  idempotencyKey: { fields: { idempotencyKey: secret, runId: "run-7" }, kept: "run-7" },
  "env.*": { fields: { env: { INPUT: secret } }, kept: "INPUT" },
  "run.env.*": { fields: { run: { id: "run-7", status: "running", env: { INPUT: secret } } }, kept: "INPUT" },
  "request.env.*": { fields: { request: { env: { INPUT: secret }, command: ["job"] } }, kept: "INPUT" },
  "body.env.*": { fields: { body: { env: { INPUT: secret } } }, kept: "INPUT" },
  "containerBase.env.*": { fields: { containerBase: { env: { MODE: secret }, command: ["job"] } }, kept: "MODE" },
  "config.containerBase.env.*": { fields: { config: { containerBase: { env: { MODE: secret } }, maxQueued: 5 } }, kept: "MODE" },
  connectionString: { fields: { connectionString: `AccountName=dev;AccountKey=${secret}` } },
  "storage.connectionString": { fields: { storage: { kind: "connectionString", connectionString: `AccountKey=${secret}` } }, kept: "kind" },
  "config.storage.connectionString": { fields: { config: { storage: { kind: "connectionString", connectionString: `AccountKey=${secret}` }, port: 8080 } }, kept: "8080" },
  secrets: { fields: { secrets: { env: { job: { DB_PASSWORD: secret } } } } },
  "config.secrets": { fields: { config: { ...testConfig({ secrets: { registryPasswords: { "example.azurecr.io": secret } } }), auth: { kind: "none" } } }, kept: "maxEnvCount" },
};

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

  it("writes one JSON object per line: level as a word, time in ISO 8601, the fields and bound fields, msg", () => {
    const { log, out, line } = capture();
    log.child({ requestId: "r" }).info("m", { runId: "run-1", count: 2 });
    expect(out).toHaveLength(1);
    expect(line()).toEqual({ level: "info", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), requestId: "r", runId: "run-1", count: 2, msg: "m" });
  });

  it("has one case below for each redact path it declares", () => {
    expect(Object.keys(redactionCases).sort()).toEqual([...redactPaths].sort());
  });

  it.each(Object.entries(redactionCases))("writes no value at %s, and keeps the fields beside it", (_path, { fields, kept }) => {
    const { log, out } = capture();
    log.info("m", fields);
    log.child(fields).info("bound");
    for (const raw of out) {
      expect(raw).not.toContain(secret);
      expect(raw).toContain('"[redacted]"');
      if (kept) expect(raw).toContain(kept);
    }
  });

  it("writes an ordinary error with its type, message, code, stack and cause", () => {
    const { log, line } = capture();
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:10002"), { code: "ECONNREFUSED" });
    log.error("failed", { err: new TypeError("x is not a function", { cause }) });
    expect(line().err).toEqual({
      type: "TypeError",
      message: "x is not a function",
      stack: expect.stringMatching(/^TypeError: x is not a function\n\s+at /),
      cause: { type: "Error", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:10002", stack: expect.any(String) },
    });
  });

  it("writes an Azure SDK RestError by type, code and status only, under any field and as a cause", async () => {
    // A real one: the SDK's GET of a missing group, with the bearer token on its request and
    // ARM's error body in its response and details.
    const error = await arm.client.containerGroups.get(testResourceGroup, "no-such-group").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!isRestError(error)) throw new Error("expected a RestError");
    expect(error.request?.headers.get("authorization")).toMatch(/^Bearer /);
    const { log, out, line } = capture();
    log.warn("a", { err: error });
    log.warn("b", { failure: error });
    log.error("c", { err: new Error("reading the group failed", { cause: error }) });

    const safe = { type: "RestError", code: "ResourceNotFound", statusCode: 404 };
    expect(line(0).err).toEqual(safe);
    expect(line(1).failure).toEqual(safe);
    expect(line(2).err).toMatchObject({ message: "reading the group failed", cause: safe });
    const all = out.join("\n");
    expect(all).not.toContain(error.message);
    expect(printedSecrets(all, { identityHeader: arm.emulator.identityHeader })).toEqual([]);
  });
});

describe("where the lines go", () => {
  it("chooses readable lines for a terminal and JSON lines for anything else", () => {
    expect(logFormat({ isTTY: true })).toBe("pretty");
    expect(logFormat({ isTTY: false })).toBe("json");
    expect(logFormat({})).toBe("json");
  });

  it("writes a readable line for a terminal, the caller named in its head and the fields below", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aci-trigger-pretty-"));
    try {
      const file = join(dir, "out.txt");
      const fd = openSync(file, "w");
      const stream = logDestination(fd, "pretty");
      stream.write(`${JSON.stringify({ level: "info", time: "2026-01-02T03:04:05.678Z", caller: { kind: "key", label: "ci" }, status: 202, msg: "request" })}\n`);
      closeSync(fd);
      expect(readFileSync(file, "utf8").replace(ansiPattern, "")).toMatch(/^\[\d\d:\d\d:05\.678\] INFO <key label=ci>: request\n {4}status: 202\n$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the bundle writes its last line as readable text on a terminal and as JSON to a pipe", async () => {
    const env = { PATH: process.env["PATH"] ?? "" };
    const onTerminal = await runOnPty([process.execPath, bundlePath()], env, 200);
    const toPipe = await startServiceExpectingExit(env);

    expect(onTerminal.code).toBe(1);
    const text = onTerminal.stdout.replace(ansiPattern, "");
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] ERROR: Invalid configuration: AZURE_SUBSCRIPTION_ID is required/m);
    expect(text).not.toContain('"level"');
    expect(toPipe.code).toBe(1);
    expect(toPipe.lines).toEqual([{ level: "error", time: expect.any(String), msg: expect.stringContaining("AZURE_SUBSCRIPTION_ID is required") }]);
  });
});
