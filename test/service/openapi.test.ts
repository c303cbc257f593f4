import { beforeEach, describe, expect, it } from "vitest";
import { errorCodes } from "../../service/http/error-codes.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { buildApp, bodyOf } from "../helpers/service-app.js";

const arm = useArmEmulator();
beforeEach(() => arm.emulator.clearRequests());
/** ARM requests since the test began. */
const armCalls = () => arm.emulator.requests.length;

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

describe("GET /openapi.json", () => {
  it("documents every route the app serves, with its method", async () => {
    const { app } = await buildApp(arm.emulator);
    const doc = await bodyOf(await app.request("/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    const served = app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${toOpenApiPath(r.path)}`);
    expect(served.length).toBeGreaterThanOrEqual(7);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it("lists every error code and the bearer security scheme", async () => {
    const { app } = await buildApp(arm.emulator);
    const doc = await bodyOf(await app.request("/openapi.json"));
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(errorCodes));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/healthz"].get.security).toEqual([]);
    expect(doc.paths["/runs"].post.security).toBeUndefined();
    const described = JSON.stringify(doc.paths);
    for (const code of Object.keys(errorCodes).filter((c) => c !== "NotFound" && c !== "MethodNotAllowed" && c !== "HeadersTooLarge")) {
      expect(described).toContain(`\`${code}\``);
    }
  });

  it("describes the run request with this deployment's limits", async () => {
    const { app } = await buildApp(arm.emulator, { config: { limits: { maxEnvCount: 7, maxEnvBytes: 512, maxBodyBytes: 2048, allowCommand: true } } });
    const doc = await bodyOf(await app.request("/openapi.json"));
    expect(doc.components.schemas.RunRequest).toMatchObject({ type: "object", properties: { env: expect.any(Object), command: expect.any(Object) } });
    expect(doc.components.schemas.RunRequest.properties.env).toMatchObject({ maxProperties: 7, description: expect.stringContaining("512") });
    expect(doc.info.description).toContain("2048 bytes");
    expect(doc.info.description).toContain("at most 7 variables");
  });

  it("leaves out command while command overrides are disabled, as they are by default", async () => {
    const { app } = await buildApp(arm.emulator);
    const doc = await bodyOf(await app.request("/openapi.json"));
    expect(Object.keys(doc.components.schemas.RunRequest.properties)).toEqual(["env"]);
  });

  it("never prints the operator's allow-list of env names to its anonymous readers", async () => {
    const allowedEnvNames = new Set(["INTERNAL_BUCKET_NAME", "PAYROLL_MODE"]);
    const { app } = await buildApp(arm.emulator, { config: { limits: { maxEnvCount: 7, maxEnvBytes: 512, maxBodyBytes: 2048, allowedEnvNames } } });
    const text = await (await app.request("/openapi.json")).text();
    expect(text).not.toContain("INTERNAL_BUCKET_NAME");
    expect(text).not.toContain("PAYROLL_MODE");
  });
});
