import { describe, expect, it } from "vitest";
import { armError, FakeGroup } from "../helpers/fake-group.js";
import { bodyOf, buildApp, dbPassword } from "../helpers/service-app.js";

describe("GET /healthz", () => {
  it("answers 200 without touching ARM", async () => {
    const { app, fake } = buildApp();
    const res = await app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "ok" });
    expect(fake.calls.read).toBe(0);
  });
});

describe("GET /readyz", () => {
  it("is ready when ARM answers and every secret of the group is restorable", async () => {
    const { app } = buildApp();
    const res = await app.request("/readyz");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "ready", checks: { config: "ok", arm: "ok", secrets: "ok" } });
  });

  it("answers 503 naming the ARM check when the identity is denied", async () => {
    const { app, fake } = buildApp();
    fake.fail("read", armError(403, "AuthorizationFailed"));
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    const body = await bodyOf(res);
    expect(body.checks).toEqual({ config: "ok", arm: "failed", secrets: "skipped" });
    expect(body.error).toEqual({ code: "NotReady", message: expect.stringContaining("ArmAccessDenied") });
    expect(body.error.message).not.toContain("internal detail");
  });

  it("answers 503 naming the missing secret, never a configured one", async () => {
    const fake = new FakeGroup();
    fake.group.properties.imageRegistryCredentials = [{ server: "registry.test", username: "pull" }];
    const { app, raw } = buildApp({ fake });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text).checks).toEqual({ config: "ok", arm: "ok", secrets: "failed" });
    expect(text).toContain("registry.test");
    expect(text).not.toContain(dbPassword);
    expect(raw.join("\n")).not.toContain(dbPassword);
  });

  it("answers 503 naming the config check when no key is configured", async () => {
    const { app } = buildApp({ config: { auth: { kind: "keys", keys: [] } } });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).checks.config).toBe("failed");
  });

  it("shares one ARM read among probes within five seconds", async () => {
    let clock = Date.parse("2024-02-01T00:00:00Z");
    const { app, fake } = buildApp({ deps: { now: () => new Date(clock) } });
    await app.request("/readyz");
    clock += 4_000;
    await Promise.all([app.request("/readyz"), app.request("/readyz")]);
    expect(fake.calls.read).toBe(1);
    clock += 1_000;
    await app.request("/readyz");
    expect(fake.calls.read).toBe(2);
  });

  it("caches a failed ARM read too, then sees the recovery", async () => {
    let clock = 0;
    const { app, fake } = buildApp({ deps: { now: () => new Date(clock) } });
    fake.fail("read", armError(500, "InternalServerError"), 1);
    expect((await app.request("/readyz")).status).toBe(503);
    expect((await app.request("/readyz")).status).toBe(503);
    clock += 5_000;
    expect((await app.request("/readyz")).status).toBe(200);
    expect(fake.calls.read).toBe(2);
  });
});
