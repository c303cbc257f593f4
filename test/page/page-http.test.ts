import { describe, expect, it } from "vitest";
import { pageScript, pageStylesheet } from "../../service/http/page/assets.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { apiKeys, auth, bodyOf, buildApp, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();

const scriptSrc = (page: string) => [...page.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);

describe("the page", () => {
  it("is served with strict security headers and no cache, and loads only its own hashed script and stylesheet", async () => {
    const { app } = await buildApp(arm.emulator);
    const res = await app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const page = await res.text();
    // Every script element loads a file: none carries code, and no attribute handler runs any.
    expect(scriptSrc(page)).toEqual([` src="${pageScript.path}" defer`]);
    expect(page).not.toMatch(/<script[^>]*>[^<]+<\/script>/);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).toContain(`href="${pageStylesheet.path}"`);
  });

  it("serves the script and stylesheet under their content hash, cacheable for a year, with nosniff", async () => {
    const { app } = await buildApp(arm.emulator);
    for (const asset of [pageScript, pageStylesheet]) {
      expect(asset.path).toMatch(/^\/page\/page\.[0-9a-f]{12}\.(js|css)$/);
      const res = await app.request(asset.path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe(asset.type);
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(await res.text()).toBe(asset.body);
    }
    expect((await app.request("/page/page.000000000000.js")).status).toBe(404);
  });

  it("ships a script that parses, and stays small", () => {
    expect(() => new Function(pageScript.body)).not.toThrow();
    expect(pageScript.body.length + pageStylesheet.body.length).toBeLessThan(24 * 1024);
  });

  it("asks a browser without credentials to sign in, and shows it no runs", async () => {
    const { app } = await buildApp(arm.emulator);
    const started = await bodyOf(await postRun(app, { env: { SHOWN: "only-with-key" } }));
    const page = await (await app.request("/")).text();
    expect(page).toContain('id="sign-in"');
    expect(page).not.toMatch(/id="sign-in"[^>]*hidden/);
    expect(page).toMatch(/<section id="list"[^>]*hidden/);
    expect(page).not.toContain(started.id);
    expect(page).toContain("<noscript>");
    expect((await (await app.request(`/?run=${started.id}`)).text())).not.toContain("only-with-key");
    const bad = await app.request("/?run=not%20an%20id");
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.message).toMatch(/^query\.run must be/);
  });

  it("renders the list without script for a request that carries the key, and never writes the key", async () => {
    const { app } = await buildApp(arm.emulator);
    const started = await bodyOf(await postRun(app, { env: { GREETING: "<b>hi</b>" } }));
    const res = await app.request("/", { headers: auth });
    const page = await res.text();
    expect(page).toContain(`href="/?run=${started.id}"`);
    expect(page).toMatch(/<span class="status status-(starting|running)"><span aria-hidden="true">.<\/span> (starting|running)<\/span>/);
    expect(page).toMatch(/id="sign-in"[^>]*hidden/);
    for (const key of apiKeys) expect(page).not.toContain(key);
    const runPage = await (await app.request(`/?run=${started.id}`, { headers: auth })).text();
    expect(runPage).toContain("&#60;b&#62;hi&#60;/b&#62;");
    expect(runPage).not.toContain("<b>hi</b>");
    for (const key of apiKeys) expect(runPage).not.toContain(key);
  });

  it("filters by status and pages with the API's cursor, as a form and links", async () => {
    const { app, reconcile } = await buildApp(arm.emulator);
    const first = await bodyOf(await postRun(app, {}));
    await expect.poll(async () => (await reconcile(), (await bodyOf(await app.request(`/runs/${first.id}`, { headers: auth }))).status)).toBe("succeeded");
    const second = await bodyOf(await postRun(app, {}));
    const succeeded = await (await app.request("/?status=succeeded", { headers: auth })).text();
    expect(succeeded).toContain(first.id);
    expect(succeeded).not.toContain(second.id);
    expect(succeeded).toContain('<option value="succeeded" selected>');
    const list = await bodyOf(await app.request("/runs?limit=1", { headers: auth }));
    const older = await (await app.request(`/?cursor=${list.nextCursor}`, { headers: auth })).text();
    expect(older).toContain(first.id);
    expect(older).not.toContain(second.id);
    expect(older).toMatch(/<a id="newest-page" href="\/">/);
    const made = await app.request(`/?cursor=${list.nextCursor}x`, { headers: auth });
    expect(made.status).toBe(200);
    expect(await made.text()).toMatch(/<p class="error" role="alert">query\.cursor [^<]+<\/p>/);
  });

  it("renders everything for anyone on an open service, and refuses a wrong key as the API does", async () => {
    const open = await buildApp(arm.emulator, { config: { auth: { kind: "none" } } });
    const started = await bodyOf(await open.app.request("/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }));
    const page = await (await open.app.request("/")).text();
    expect(page).toContain('data-auth="open"');
    expect(page).toContain(started.id);
    const { app } = await buildApp(arm.emulator);
    const refused = await app.request("/", { headers: { Authorization: "Bearer wrong-key-0123456789abcdef" } });
    expect(refused.status).toBe(401);
  });
});
