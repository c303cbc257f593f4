import { beforeEach, describe, expect, it } from "vitest";
import { matchesKey } from "../../service/auth.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { apiKeys, bodyOf, buildApp } from "../helpers/service-app.js";

const arm = useArmEmulator();
beforeEach(() => arm.emulator.clearRequests());
/** ARM requests since the test began. */
const armCalls = () => arm.emulator.requests.length;

const withAuth = (value?: string) => (value === undefined ? {} : { headers: { Authorization: value } });

describe("bearer authentication on /runs", () => {
  it("answers 401 Unauthorized with WWW-Authenticate when the key is missing", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/runs/run-1");
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(await bodyOf(res)).toEqual({ error: { code: "Unauthorized", message: expect.any(String) } });
    expect(armCalls()).toBe(0);
  });

  it.each([
    ["a wrong key", "Bearer not-a-configured-key-at-all"],
    ["a key sent as Basic", `Basic ${apiKeys[0]}`],
    ["a prefix of a key", `Bearer ${apiKeys[0]?.slice(0, 10)}`],
    ["an empty bearer", "Bearer "],
  ])("answers 401 for %s", async (_, header) => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/runs/run-1", withAuth(header));
    expect(res.status).toBe(401);
  });

  it("accepts every configured key, so keys can be rotated", async () => {
    const { app } = await buildApp(arm.emulator);
    for (const key of apiKeys) {
      const res = await app.request("/runs/never", withAuth(`Bearer ${key}`));
      expect(res.status).toBe(404);
    }
  });

  it("guards POST /runs before reading the body", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(401);
    expect(armCalls()).toBe(0);
  });

  it("lets every caller in when authentication is disabled, and warns once at creation", async () => {
    const { app, lines } = await buildApp(arm.emulator, { config: { auth: { kind: "none" } } });
    expect(lines().filter((l) => l["level"] === "warn" && String(l["msg"]).includes("authentication is disabled"))).toHaveLength(1);
    expect((await app.request("/runs/never")).status).toBe(404);
  });

  it("does not warn when keys are configured", async () => {
    const { lines } = await buildApp(arm.emulator);
    expect(lines().filter((l) => l["level"] === "warn")).toEqual([]);
  });

  it("leaves /healthz, /readyz and /openapi.json open", async () => {
    const { app } = await buildApp(arm.emulator);
    for (const path of ["/healthz", "/readyz", "/openapi.json"]) {
      expect((await app.request(path)).status).toBe(200);
    }
  });
});

describe("matchesKey", () => {
  it("matches any listed key exactly and nothing else", () => {
    expect(matchesKey("b-key", ["a-key", "b-key"])).toBe(true);
    expect(matchesKey("b-ke", ["a-key", "b-key"])).toBe(false);
    expect(matchesKey("b-key ", ["a-key", "b-key"])).toBe(false);
    expect(matchesKey("", [])).toBe(false);
  });
});
