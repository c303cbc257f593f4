import { beforeEach, describe, expect, it } from "vitest";
import { createReadiness } from "../../service/readiness.js";
import { testArmPort } from "../helpers/arm-port.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, dbPassword, defaultJob, seedGroups, testConfig } from "../helpers/service-app.js";
import { testStore } from "../helpers/store.js";

const arm = useArmEmulator();
beforeEach(() => arm.emulator.clearRequests());

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
    const res = await app.request("/readyz");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: "ready", checks: { config: "ok", store: "ok", arm: "ok", secrets: "ok" } });
  });

  it("stays ready but degraded, naming the ARM check, when the identity is denied: status and history still answer", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    arm.emulator.faults.add({ status: 403, code: "AuthorizationFailed", method: "GET", path: groups[0], count: 10 });
    const res = await app.request("/readyz");
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
    const res = await app.request("/readyz");
    const text = await res.text();
    expect(JSON.parse(text).checks).toEqual({ config: "ok", store: "ok", arm: "ok", secrets: "failed" });
    expect(text).toContain("registry.test");
    expect(text).not.toContain(dbPassword);
    expect(text).not.toContain("registry-password-1");
    expect(raw.join("\n")).not.toContain(dbPassword);
  });

  it("answers 503 naming the config check when no key is configured", async () => {
    const { app } = await buildApp(arm.emulator, { config: { auth: { kind: "keys", keys: [] } } });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).checks.config).toBe("failed");
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
