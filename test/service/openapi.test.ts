import { beforeEach, describe, expect, it } from "vitest";
import { runStatuses } from "../../service/core/run.js";
import { errorCodes } from "../../service/http/error-codes.js";
import { cursorPattern, idempotencyKeyPattern, maxIdempotencyKeyLength, maxLogTail, maxPageSize, runIdPattern } from "../../service/http/run-parameters.js";
import { eventually, useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, getWithKey, jsonHeaders, postRun, type BuildOptions, type TestApp } from "../helpers/service-app.js";

const arm = useArmEmulator();
beforeEach(() => {
  arm.emulator.clearRequests();
  arm.emulator.faults.clear();
});

type Doc = Record<string, any>;
type Parameter = { name: string; in: string; required?: boolean; schema: Record<string, any> };

const longRun = { EMULATOR_RUN_MS: "600000" };
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

async function documented(options: BuildOptions = {}): Promise<TestApp & { doc: Doc }> {
  const built = await buildApp(arm.emulator, options);
  return { ...built, doc: await bodyOf(await built.app.request("/openapi.json")) };
}

// The page (GET / and its hashed script and stylesheet) is for people, not part of the API: deliberately undocumented.
const isPage = (path: string) => path === "/" || path.startsWith("/page/");

/** "METHOD /path/{param}" of every API route the app serves (middleware registrations and the page aside). */
const servedRoutes = (app: TestApp["app"]) => [...new Set(app.routes.filter((r) => r.method !== "ALL" && !isPage(r.path)).map((r) => `${r.method} ${toOpenApiPath(r.path)}`))];

const operation = (doc: Doc, route: string) => {
  const [method, path] = route.split(" ") as [string, string];
  return doc.paths[path]?.[method.toLowerCase()] as Doc | undefined;
};

const resolve = <T>(doc: Doc, value: T | { $ref: string }): T =>
  typeof value === "object" && value !== null && "$ref" in value ? (value.$ref.slice(2).split("/").reduce((node: Doc, key: string) => node[key], doc) as T) : (value as T);

const parametersOf = (doc: Doc, route: string): Parameter[] =>
  (operation(doc, route)?.parameters ?? []).map((p: Parameter | { $ref: string }) => {
    const parameter = resolve<Parameter>(doc, p);
    return { ...parameter, schema: resolve(doc, parameter.schema) };
  });

/** The concrete path of `route` with `id` in its path parameter. */
/** The route's path with `value` as its parameter `name` (the run id by default) and the others filled in. */
const pathOf = (route: string, value = "run-1", name = "id") =>
  route
    .split(" ")[1]!
    .replace(`{${name}}`, encodeURIComponent(value))
    .replace(/\{(\w+)\}/g, (_, other: string) => (other === "id" ? "run-1" : `${other}-1`));

/**
 * Asserts the answer is documented for the route: its error code under its status, and each
 * header the document promises for errors (Retry-After, WWW-Authenticate) when the answer sends it.
 */
async function expectDocumented(doc: Doc, route: string, res: Response, code: string) {
  const body = await bodyOf(res);
  expect(body.error?.code ?? body.status, `${route} answered ${res.status} ${JSON.stringify(body)}`).toBe(code);
  const response = operation(doc, route)?.responses?.[String(res.status)];
  expect(response, `${route} documents no ${res.status}`).toBeDefined();
  expect(response.description, `${route} ${res.status} does not list ${code}`).toContain(`\`${code}\``);
  for (const header of ["Retry-After", "WWW-Authenticate"]) {
    if (res.headers.has(header)) expect(Object.keys(response.headers ?? {}), `${route} ${res.status} sends ${header}`).toContain(header);
  }
}

describe("GET /openapi.json", () => {
  it("documents every route the app serves, with its method, and nothing else", async () => {
    const { app, doc } = await documented();
    expect(doc.openapi).toBe("3.1.0");
    const served = servedRoutes(app);
    expect(served.length).toBeGreaterThanOrEqual(8);
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(new Set(listed)).toEqual(new Set(served));
    for (const route of served) expect(operation(doc, route)?.operationId, route).toEqual(expect.any(String));
  });

  it("prints the patterns and bounds the routes validate with", async () => {
    const { doc } = await documented();
    const param = (route: string, name: string) => parametersOf(doc, route).find((p) => p.name.toLowerCase() === name.toLowerCase());
    expect(param("POST /runs", "Idempotency-Key")).toMatchObject({ in: "header", required: false, schema: { pattern: idempotencyKeyPattern.source, maxLength: maxIdempotencyKeyLength } });
    expect(param("GET /runs", "cursor")).toMatchObject({ in: "query", required: false, schema: { pattern: cursorPattern.source } });
    expect(param("GET /runs", "limit")).toMatchObject({ in: "query", schema: { type: "integer", minimum: 1, maximum: maxPageSize } });
    expect(param("GET /runs", "status")?.schema.enum).toEqual([...runStatuses]);
    expect(param("GET /runs/{id}/logs", "tail")).toMatchObject({ in: "query", schema: { type: "integer", minimum: 1, maximum: maxLogTail } });
    for (const route of ["GET /runs/{id}", "GET /runs/{id}/logs", "POST /runs/{id}/cancel"]) {
      expect(param(route, "id")).toMatchObject({ in: "path", required: true, schema: { pattern: runIdPattern.source } });
    }
  });

  it("refuses with 400 InvalidRequest a value outside each documented parameter's schema, naming the parameter", async () => {
    const { app, doc } = await documented();
    let checked = 0;
    for (const route of servedRoutes(app)) {
      // The request id is never refused: an unusable one is replaced (its own test below).
      for (const parameter of parametersOf(doc, route).filter((p) => p.name !== "X-Request-Id")) {
        const { schema } = parameter;
        const bad = schema.pattern !== undefined ? "é" : schema.maximum !== undefined ? String(schema.maximum + 1) : schema.enum !== undefined ? "no-such-value" : undefined;
        if (bad === undefined) continue;
        const query = parameter.in === "query" ? `?${parameter.name}=${encodeURIComponent(bad)}` : "";
        const path = parameter.in === "path" ? pathOf(route, bad, parameter.name) : pathOf(route);
        const method = route.split(" ")[0]!;
        const headers = { ...(method === "POST" ? jsonHeaders : auth), ...(parameter.in === "header" ? { [parameter.name]: bad } : {}) };
        const res = await app.request(`${path}${query}`, { method, headers, ...(route === "POST /runs" ? { body: "{}" } : {}) });
        expect(res.status, `${route} ${parameter.name}=${bad}`).toBe(400);
        expect((await bodyOf(res)).error.message.toLowerCase()).toContain(`${parameter.in === "path" ? "path" : parameter.in}.${parameter.name.toLowerCase()}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    expect(arm.emulator.requests).toEqual([]);
  });

  it("documents X-Request-Id on every operation and every response, as the app echoes it", async () => {
    const { app, doc } = await documented();
    for (const route of servedRoutes(app)) {
      expect(parametersOf(doc, route).map((p) => p.name), route).toContain("X-Request-Id");
      for (const [status, response] of Object.entries(operation(doc, route)!.responses as Record<string, Doc>)) {
        expect(Object.keys(response.headers ?? {}), `${route} ${status}`).toContain("X-Request-Id");
      }
    }
    const res = await app.request("/healthz", { headers: { "X-Request-Id": "mine-123" } });
    expect(res.headers.get("X-Request-Id")).toBe("mine-123");
  });

  it("documents the refusals every route behind authentication answers", async () => {
    const { app, doc } = await documented();
    const guarded = servedRoutes(app).filter((route) => route.split(" ")[1]!.startsWith("/runs"));
    expect(guarded).toHaveLength(7);
    for (const route of guarded) {
      const method = route.split(" ")[0]!;
      await expectDocumented(doc, route, await app.request(pathOf(route), { method }), "Unauthorized");
      if (route.includes("{id}")) {
        await expectDocumented(doc, route, await app.request(pathOf(route, "no-such-run"), { method, headers: auth }), "RunNotFound");
      }
    }
    const strict = await documented({ config: { rateLimits: { maxStartsPerMinute: 60, maxFailedAuthPerMinute: 1, trustedProxyHops: 0 } } });
    const wrongKey = { Authorization: "Bearer not-a-key-0123456789" };
    expect((await strict.app.request("/runs", { headers: wrongKey })).status).toBe(401);
    await expectDocumented(strict.doc, "GET /runs", await strict.app.request("/runs", { headers: wrongKey }), "TooManyFailedAuthentications");
  });

  it("documents the refusals of POST /runs", async () => {
    const { app, doc } = await documented({ maxQueued: 0, config: { limits: { maxEnvCount: 20, maxEnvBytes: 100_000, maxBodyBytes: 1024 } } });
    const route = "POST /runs";
    await expectDocumented(doc, route, await app.request("/runs", { method: "POST", headers: { ...auth, "Content-Type": "text/plain" }, body: "{}" }), "UnsupportedMediaType");
    await expectDocumented(doc, route, await postRun(app, { env: { BIG: "x".repeat(2000) } }), "PayloadTooLarge");
    await expectDocumented(doc, route, await postRun(app, { env: { "1BAD": "x" } }), "InvalidRequest");
    await expectDocumented(doc, route, await postRun(app, { env: { DB_PASSWORD: "x" } }), "SecureVariableOverride");
    expect((await postRun(app, { env: longRun }, { "Idempotency-Key": "k-1" })).status).toBe(202);
    await expectDocumented(doc, route, await postRun(app, { env: {} }, { "Idempotency-Key": "k-1" }), "IdempotencyKeyReused");
    await expectDocumented(doc, route, await postRun(app, { env: {} }), "RunInProgress");
  });

  it("still takes every JSON media type POST /runs took before its route was generated", async () => {
    // The library's own media-type check (left out on purpose) would refuse these with a bare 415.
    const { app } = await documented({ maxQueued: 10 });
    for (const type of ["application/vnd.example.v1+json", "application/json;", "application/json ; charset=utf-8"]) {
      expect((await postRun(app, { env: { VIA: "x" } }, { "Content-Type": type })).status, type).toBe(202);
    }
  });

  it("documents the start rate limit and Azure's refusals of a start", async () => {
    const { app, doc, groups } = await documented({ config: { rateLimits: { maxStartsPerMinute: 1, maxFailedAuthPerMinute: 20, trustedProxyHops: 0 } } });
    arm.emulator.faults.add({ status: 400, code: "InvalidContainerGroupUpdate", method: "PUT", path: groups[0]! });
    await expectDocumented(doc, "POST /runs", await postRun(app, { env: {} }), "ArmRejectedDefinition");
    await expectDocumented(doc, "POST /runs", await postRun(app, { env: {} }), "TooManyRequests");
  });

  it("documents what the run routes answer when Azure is busy, and a cancel of an ended run", async () => {
    const { app, doc, groups } = await documented();
    const run = await bodyOf(await postRun(app, { env: longRun }));
    arm.emulator.faults.add({ status: 503, code: "ServiceUnavailable", method: "GET", path: groups[0]!, count: 10, retryAfterSeconds: 120 });
    await expectDocumented(doc, "GET /runs/{id}", await getWithKey(app, `/runs/${run.id}`), "ArmBusy");
    arm.emulator.faults.clear();
    const ended = await documented();
    const done = await bodyOf(await postRun(ended.app, { env: {} }));
    await eventually(async () => bodyOf(await getWithKey(ended.app, `/runs/${done.id}`)), (r) => r.status === "succeeded");
    await expectDocumented(ended.doc, "POST /runs/{id}/cancel", await ended.app.request(`/runs/${done.id}/cancel`, { method: "POST", headers: auth }), "RunNotActive");
  });

  it("documents the open probe's answers", async () => {
    const { app, doc } = await documented();
    await expectDocumented(doc, "GET /readyz", await app.request("/readyz", { headers: { Authorization: "Bearer not-a-key-0123456789" } }), "Unauthorized");
  });

  it("lists every error code on some route, the error shape and the bearer security scheme", async () => {
    const { doc } = await documented();
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(errorCodes));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/healthz"].get.security).toEqual([]);
    expect(doc.paths["/runs"].post.security).toBeUndefined();
    const described = JSON.stringify(doc.paths);
    // Any path may answer these, so no operation lists them (HeadersTooLarge is refused before routing).
    for (const code of Object.keys(errorCodes).filter((c) => c !== "NotFound" && c !== "MethodNotAllowed" && c !== "HeadersTooLarge")) {
      expect(described).toContain(`\`${code}\``);
    }
  });

  it("prints the run the routes answer from the one run schema", async () => {
    const { doc } = await documented();
    for (const route of ["POST /runs", "GET /runs/{id}", "POST /runs/{id}/cancel"]) {
      const ok = Object.entries(operation(doc, route)!.responses as Record<string, Doc>).find(([status]) => status.startsWith("2"))![1];
      expect(ok.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/RunView" });
    }
    expect(doc.components.schemas.RunPage.properties.runs.items).toEqual({ $ref: "#/components/schemas/RunView" });
    expect(doc.components.schemas.RunView.properties.status.enum).toEqual([...runStatuses]);
  });

  it("describes the run request with this deployment's limits", async () => {
    const { doc } = await documented({ config: { limits: { maxEnvCount: 7, maxEnvBytes: 512, maxBodyBytes: 2048, allowCommand: true } } });
    expect(doc.paths["/runs"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/RunRequest" });
    expect(doc.components.schemas.RunRequest).toMatchObject({ type: "object", properties: { env: expect.any(Object), command: expect.any(Object) } });
    expect(doc.components.schemas.RunRequest.properties.env).toMatchObject({ maxProperties: 7, description: expect.stringContaining("512") });
    expect(doc.info.description).toContain("2048 bytes");
    expect(doc.info.description).toContain("at most 7 variables");
  });

  it("leaves out command while command overrides are disabled, as they are by default", async () => {
    const { doc } = await documented();
    expect(Object.keys(doc.components.schemas.RunRequest.properties)).toEqual(["env", "timeoutSeconds", "maxRetries", "retryOnTimeout", "webhookUrl"]);
  });

  it("never prints the operator's allow-list of env names to its anonymous readers", async () => {
    const allowedEnvNames = new Set(["INTERNAL_BUCKET_NAME", "PAYROLL_MODE"]);
    const { app } = await buildApp(arm.emulator, { config: { limits: { maxEnvCount: 7, maxEnvBytes: 512, maxBodyBytes: 2048, allowedEnvNames } } });
    const text = await (await app.request("/openapi.json")).text();
    expect(text).not.toContain("INTERNAL_BUCKET_NAME");
    expect(text).not.toContain("PAYROLL_MODE");
  });
});
