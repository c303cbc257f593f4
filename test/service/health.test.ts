import { beforeEach, describe, expect, it } from "vitest";
import { createReadiness } from "../../service/runs/readiness.js";
import { testArmPort } from "../helpers/arm-port.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, dbPassword, defaultJob, seedGroups, testConfig } from "../helpers/service-app.js";
import { testStore } from "../helpers/store.js";

const arm = useArmEmulator();
beforeEach(() => arm.emulator.clearRequests());
const withKey = { headers: auth };

describe("GET /healthz", () => {
  it("answers 200 without touching ARM", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "ok" });
    expect(arm.emulator.requests).toEqual([]);
  });
});

describe("GET /readyz", () => {
  it("is ready when the store answers, ARM answers and every secret of the pool is restorable", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/readyz", withKey);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "ready", checks: { config: "ok", store: "ok", arm: "ok", secrets: "ok" } });
  });

  it("stays ready but degraded, naming the ARM check, when the identity is denied: status and history still answer", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    arm.emulator.faults.add({ status: 403, code: "AuthorizationFailed", method: "GET", path: groups[0], count: 10 });
    const res = await app.request("/readyz", withKey);
    arm.emulator.faults.clear();
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body.status).toBe("degraded");
    expect(body.checks).toEqual({ config: "ok", store: "ok", arm: "failed", secrets: "ok" });
    expect(body.problems).toEqual([expect.stringContaining("ArmAccessDenied")]);
  });

  it("names the missing secret, never a configured one", async () => {
    const job = defaultJob() as any;
    job.properties.imageRegistryCredentials = [{ server: "registry.test", username: "pull", password: "registry-password-1" }];
    const groups = seedGroups(arm.emulator, 1, job);
    const { app, raw } = await buildApp(arm.emulator, { groups });
    const res = await app.request("/readyz", withKey);
    const text = await res.text();
    expect(JSON.parse(text).checks).toEqual({ config: "ok", store: "ok", arm: "ok", secrets: "failed" });
    expect(text).toContain("registry.test");
    expect(text).not.toContain(dbPassword);
    expect(text).not.toContain("registry-password-1");
    expect(raw.join("\n")).not.toContain(dbPassword);
  });

  it("answers 503, logging the config check, when no key and no Entra ID tenant is configured", async () => {
    const { app, lines } = await buildApp(arm.emulator, { config: { auth: { kind: "required", keys: [] } } });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(lines().find((l) => l["msg"] === "not ready")?.["problems"]).toEqual([expect.stringContaining("config:")]);
  });

  it("tells an anonymous caller its status, and nothing about why", async () => {
    const job = defaultJob() as any;
    job.properties.imageRegistryCredentials = [{ server: "registry.test", username: "pull", password: "registry-password-1" }];
    const { app, lines, groups } = await buildApp(arm.emulator, { groups: seedGroups(arm.emulator, 1, job) });
    const res = await app.request("/readyz");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "degraded" });
    // The operator still learns the reason from the log.
    expect(JSON.stringify(lines().find((l) => l["msg"] === "degraded"))).toContain("registry.test");
    const { app: keyless } = await buildApp(arm.emulator, { groups, config: { auth: { kind: "required", keys: [] } } });
    const notReady = await keyless.request("/readyz");
    expect(notReady.status).toBe(503);
    expect(await bodyOf(notReady)).toEqual({ status: "not-ready", error: { code: "NotReady", message: expect.any(String) } });
  });

  it("keeps ARM's codes and the group's name from an anonymous caller when ARM denies the identity", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    arm.emulator.faults.add({ status: 403, code: "AuthorizationFailed", method: "GET", path: groups[0], count: 10 });
    const text = await (await app.request("/readyz")).text();
    arm.emulator.faults.clear();
    expect(text).not.toContain("ArmAccessDenied");
    expect(text).not.toContain(groups[0]);
    expect(text).not.toContain("checks");
  });

  it("answers a wrong credential with 401, so /readyz is no oracle for guessing keys", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/readyz", { headers: { Authorization: "Bearer not-a-configured-key-at-all" } });
    expect(res.status).toBe(401);
  });

  it("gives every caller the details when authentication is disabled", async () => {
    const { app } = await buildApp(arm.emulator, { config: { auth: { kind: "none" } } });
    expect(await bodyOf(await app.request("/readyz"))).toEqual({ status: "ready", checks: { config: "ok", store: "ok", arm: "ok", secrets: "ok" } });
  });

  it("answers 503 naming the store when the store cannot be read", async () => {
    const store = await testStore();
    const readiness = createReadiness({
      store: { view: () => store.view().then(() => Promise.reject(new Error("down"))) },
      arm: { read: () => Promise.reject(new Error("unused")) },
      groups: [],
      config: testConfig(),
      cacheMs: 0,
    });
    const result = await readiness();
    expect(result).toMatchObject({ ready: false, checks: { store: "failed" } });
  });

  it("shares one round of reads among probes within the cache time", async () => {
    const groups = seedGroups(arm.emulator);
    const store = await testStore(undefined, groups);
    let clock = 0;
    const { arm: port } = testArmPort(arm.emulator);
    const readiness = createReadiness({ store, arm: port, groups, config: testConfig(), cacheMs: 15_000, armWaitMs: 60_000, now: () => clock });
    await readiness();
    clock += 14_000;
    await Promise.all([readiness(), readiness()]);
    const reads = () => arm.emulator.requests.filter((r) => r.method === "GET").length;
    expect(reads()).toBe(1);
    clock += 1_000;
    await readiness();
    expect(reads()).toBe(2);
  });
});
