import { beforeEach, describe, expect, it } from "vitest";
import { matchingKey } from "../../service/http/auth-keys.js";
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

describe("matchingKey", () => {
  const keys = [
    { label: "a", value: "a-key" },
    { label: "b", value: "b-key" },
  ];

  it("finds the listed key equal to the presented one, and nothing else", () => {
    expect(matchingKey("b-key", keys)?.label).toBe("b");
    expect(matchingKey("a-key", keys)?.label).toBe("a");
    expect(matchingKey("b-ke", keys)).toBeUndefined();
    expect(matchingKey("b-key ", keys)).toBeUndefined();
    expect(matchingKey("", [])).toBeUndefined();
  });
});

/** The bindings @hono/node-server gives a request: its socket, with the peer's address. */
const fromAddress = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress, remotePort: 40_000, remoteFamily: "IPv4" } } });
const wrongKey = { headers: { Authorization: "Bearer not-a-configured-key-at-all" } };
const rightKey = { headers: { Authorization: `Bearer ${apiKeys[0]}` } };

describe("who the caller is", () => {
  it("names the key that matched by its label in the request's log line, never the key itself", async () => {
    const { app, lines, raw } = await buildApp(arm.emulator);
    await app.request("/runs/never", { headers: { Authorization: `Bearer ${apiKeys[1]}` } });
    expect(lines().find((l) => l["msg"] === "request")?.["caller"]).toEqual({ kind: "key", label: "key-2" });
    expect(raw.join("\n")).not.toContain(apiKeys[1]);
  });

  it("logs each refusal with its reason and the client, never the credential", async () => {
    const { app, lines, raw } = await buildApp(arm.emulator);
    await app.request("/runs/never", wrongKey, fromAddress("198.51.100.4"));
    const refusal = lines().find((l) => l["msg"] === "authentication refused");
    expect(refusal).toMatchObject({ level: "warn", reason: "unknown key", presented: "key", client: "198.51.100.4" });
    expect(raw.join("\n")).not.toContain("not-a-configured-key-at-all");
  });
});

describe("the limit on failed authentications", () => {
  const limited = (clock: { now: number }, trustedProxyHops = 0) =>
    buildApp(arm.emulator, {
      config: { rateLimits: { maxFailedAuthPerMinute: 3, maxStartsPerMinute: 60, trustedProxyHops } },
      app: { now: () => new Date(clock.now) },
    });

  it("answers 429 TooManyFailedAuthentications with Retry-After once a client failed too often, even with the right key", async () => {
    const clock = { now: Date.parse("2024-02-01T00:00:00Z") };
    const { app } = await limited(clock);
    const client = fromAddress("198.51.100.4");
    for (let i = 0; i < 3; i += 1) expect((await app.request("/runs/never", wrongKey, client)).status).toBe(401);
    clock.now += 20_000;
    for (const attempt of [wrongKey, rightKey]) {
      const res = await app.request("/runs/never", attempt, client);
      expect(res.status).toBe(429);
      expect(res.headers.get("Retry-After")).toBe("40");
      expect((await bodyOf(res)).error.code).toBe("TooManyFailedAuthentications");
    }
    expect(armCalls()).toBe(0);
  });

  it("lets the client try again once its minute is over", async () => {
    const clock = { now: 0 };
    const { app } = await limited(clock);
    const client = fromAddress("198.51.100.4");
    for (let i = 0; i < 3; i += 1) await app.request("/runs/never", wrongKey, client);
    clock.now += 59_999;
    expect((await app.request("/runs/never", rightKey, client)).status).toBe(429);
    clock.now += 1;
    expect((await app.request("/runs/never", rightKey, client)).status).toBe(404);
  });

  it("keeps one client's failures from blocking another", async () => {
    const { app } = await limited({ now: 0 });
    for (let i = 0; i < 5; i += 1) await app.request("/runs/never", wrongKey, fromAddress("198.51.100.4"));
    expect((await app.request("/runs/never", rightKey, fromAddress("198.51.100.5"))).status).toBe(404);
  });

  it("does not count successful calls", async () => {
    const { app } = await limited({ now: 0 });
    const client = fromAddress("198.51.100.4");
    for (let i = 0; i < 10; i += 1) expect((await app.request("/runs/never", rightKey, client)).status).toBe(404);
  });

  it("ignores X-Forwarded-For by default, so a caller cannot pose as many clients", async () => {
    const { app } = await limited({ now: 0 });
    for (let i = 0; i < 3; i += 1) {
      await app.request("/runs/never", { headers: { ...wrongKey.headers, "X-Forwarded-For": `203.0.113.${i}` } }, fromAddress("198.51.100.4"));
    }
    const res = await app.request("/runs/never", { headers: { ...rightKey.headers, "X-Forwarded-For": "203.0.113.99" } }, fromAddress("198.51.100.4"));
    expect(res.status).toBe(429);
  });

  it("behind a trusted proxy keys clients by the rightmost X-Forwarded-For entry, whatever they prepend", async () => {
    const { app } = await limited({ now: 0 }, 1);
    const ingress = fromAddress("10.0.0.5");
    for (let i = 0; i < 3; i += 1) {
      await app.request("/runs/never", { headers: { ...wrongKey.headers, "X-Forwarded-For": `6.6.6.${i}, 203.0.113.7` } }, ingress);
    }
    const blocked = await app.request("/runs/never", { headers: { ...rightKey.headers, "X-Forwarded-For": "203.0.113.7" } }, ingress);
    expect(blocked.status).toBe(429);
    const other = await app.request("/runs/never", { headers: { ...rightKey.headers, "X-Forwarded-For": "203.0.113.8" } }, ingress);
    expect(other.status).toBe(404);
  });
});
