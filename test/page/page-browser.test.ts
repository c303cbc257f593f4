import { mkdir, readFile } from "node:fs/promises";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumInstallHint, findChromium, requireChromium } from "../helpers/chromium.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "page-browser-key-0123456789";
const artifacts = "test-artifacts";
const chromiumPath = findChromium();

if (!chromiumPath && !requireChromium) console.warn(`page browser tests skipped: no Chromium; ${chromiumInstallHint}`);

/** What the tests read and set in the page (the project's TypeScript has no DOM library). */
interface InPage {
  violations: string[];
  sameDocument?: boolean;
  localStorage: { length: number };
  document: { addEventListener(type: "securitypolicyviolation", listener: (event: { violatedDirective: string; blockedURI: string }) => void): void };
  axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> };
}

// Collects the CSP violations of the page, before any of its own code runs.
const watchViolations = () => {
  const page = globalThis as unknown as InPage;
  page.violations = [];
  page.document.addEventListener("securitypolicyviolation", (event) => page.violations.push(`${event.violatedDirective} ${event.blockedURI}`));
};

describe.runIf(chromiumPath || requireChromium)("the page in Chromium, against the service on the emulator and Azurite", () => {
  let trigger: Trigger;
  let service: ServiceProcess;
  let runs: RunsClient;
  let browser: Browser;
  const consoleReports: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath) throw new Error(`CI=true and no Chromium: ${chromiumInstallHint}`);
    [trigger, browser] = await Promise.all([startTrigger({ apiKey }), chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] })]);
    [service] = trigger.services as [ServiceProcess];
    runs = runsClient(service.url, apiKey);
    await mkdir(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await trigger?.close();
  });

  async function openPage(path = "/"): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.addInitScript(watchViolations);
    page.on("console", (message) => {
      if (/content security policy|refused to/i.test(message.text())) consoleReports.push(message.text());
    });
    await page.goto(`${service.url}${path}`);
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  async function expectClean(page: Page): Promise<void> {
    expect(await page.evaluate(() => (globalThis as unknown as InPage).violations)).toEqual([]);
    expect(consoleReports).toEqual([]);
    expect(await page.$$eval("script", (scripts) => scripts.filter((s) => !s.src || s.textContent !== "").length)).toBe(0);
    expect(page.url()).not.toContain(apiKey);
    expect(await page.content()).not.toContain(apiKey);
    // The key lives in session storage only: no local storage, no cookie.
    expect(await page.evaluate(() => (globalThis as unknown as InPage).localStorage.length)).toBe(0);
    expect(await page.context().cookies()).toEqual([]);
    // axe evaluated over the devtools protocol: no inline script, so the page's CSP stays as it is.
    await page.evaluate(await readFile("node_modules/axe-core/axe.min.js", "utf8"));
    const violations = await page.evaluate(async () => {
      const result = await (globalThis as unknown as InPage).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  }

  it("shows an error and no data for a wrong key", async () => {
    const before = await runs.start({ env: { BEFORE: "wrong-key" } });
    await runs.waitFor(before.body.id!, ["succeeded"]);
    const page = await openPage();
    await signIn(page, "not-the-key-0123456789");
    await expect.poll(() => page.locator("#sign-in-error").textContent()).toContain("refused");
    expect(await page.locator("#list").isHidden()).toBe(true);
    expect(await page.locator("#run-rows tr").count()).toBe(0);
    expect(await page.content()).not.toContain(before.body.id!);
    await expectClean(page);
    await page.screenshot({ path: `${artifacts}/page-sign-in-refused.png`, fullPage: true });
    await page.close();
  });

  it("lists a run started through the API, starts one from the form that reaches succeeded without a reload, and shows its logs", async () => {
    const earlier = await runs.start({ env: { STARTED_BY: "api" } });
    await runs.waitFor(earlier.body.id!, ["succeeded"]);
    const page = await openPage();
    await signIn(page, apiKey);
    await page.locator("#run-rows tr", { hasText: earlier.body.id! }).locator(".status-succeeded").waitFor();

    await page.evaluate(() => ((globalThis as unknown as InPage).sameDocument = true));
    await page.getByLabel("Name").first().fill("FROM_FORM");
    await page.getByLabel("Value").first().fill("hello-from-the-form");
    await page.getByRole("button", { name: "Start run" }).click();
    const link = page.locator("#start-state a");
    await link.waitFor();
    const id = (await link.textContent())!;
    await page.locator("#run-rows tr", { hasText: id }).locator(".status-succeeded").waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as InPage).sameDocument)).toBe(true);
    await page.locator("#chart svg rect").first().waitFor();
    await expectClean(page);
    await page.screenshot({ path: `${artifacts}/page-list.png`, fullPage: true });

    await link.click();
    await page.locator("#run-status .status-succeeded").waitFor();
    await expect.poll(() => page.locator("#logs").textContent()).toContain("FROM_FORM=hello-from-the-form");
    expect(await page.locator("#run-env").textContent()).toContain("hello-from-the-form");
    await expectClean(page);
    await page.screenshot({ path: `${artifacts}/page-run.png`, fullPage: true });
    await page.close();
  });

  it("cancels a long run from its page, after a confirmation", async () => {
    const long = await runs.start({ env: { EMULATOR_RUN_MS: "600000" } });
    await runs.waitFor(long.body.id!, ["running"]);
    const page = await openPage(`/?run=${long.body.id!}`);
    // The key is in this tab's session storage from no earlier page: sign in here.
    await signIn(page, apiKey);
    await page.locator("#run-status .status-running").waitFor();
    const asked: string[] = [];
    page.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.locator("#run-status .status-canceled").waitFor();
    expect(asked).toEqual([expect.stringContaining(long.body.id!)]);
    expect((await runs.status(long.body.id!)).body.status).toBe("canceled");
    expect(await page.locator("#cancel-area").isHidden()).toBe(true);
    await expectClean(page);
    await page.close();
    expect(service.output()).not.toContain(apiKey);
  });
});
