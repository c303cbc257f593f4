import { chromium } from "playwright-core";
import { sessionKeyName } from "../service/http/page/assets.js";
import { findChromium } from "../test/helpers/chromium.js";

export interface PagePlan {
  warmup: number;
  samples: number;
}

export interface PageMeasurement {
  /** Bytes of GET / (as a browser without a key gets it), its one script and its one stylesheet, uncompressed. */
  bytes: { html: number; script: number; stylesheet: number; total: number };
  /** Chromium's first-contentful-paint of GET /, each load in a fresh context (nothing cached); absent without Chromium. */
  firstRenderMs?: number[];
  /** From navigation start until the script, holding a key, has shown the list's rows from the API. */
  listShownMs?: number[];
  chromium?: string;
}

async function bytesOf(url: string): Promise<{ text: string; bytes: number }> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const buffer = Buffer.from(await res.arrayBuffer());
  return { text: buffer.toString("utf8"), bytes: buffer.length };
}

/**
 * The page's weight and its time to first render, against a service whose newest page holds
 * runs: the HTML, script and stylesheet fetched as a browser would; then `warmup + samples`
 * loads in Debian's Chromium, each in a fresh context, reading Chromium's own paint timing.
 */
export async function measurePage(url: string, apiKey: string, plan: PagePlan): Promise<PageMeasurement> {
  const page = await bytesOf(`${url}/`);
  const script = /<script src="([^"]+)"/.exec(page.text)?.[1];
  const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(page.text)?.[1];
  if (!script || !stylesheet) throw new Error("GET / names no script or stylesheet");
  const [js, css] = await Promise.all([bytesOf(`${url}${script}`), bytesOf(`${url}${stylesheet}`)]);
  const bytes = { html: page.bytes, script: js.bytes, stylesheet: css.bytes, total: page.bytes + js.bytes + css.bytes };
  const executablePath = findChromium();
  if (!executablePath) return { bytes };

  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  const firstRenderMs: number[] = [];
  const listShownMs: number[] = [];
  try {
    for (let i = 0; i < plan.warmup + plan.samples; i += 1) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`${url}/`);
      const paint = await tab.waitForFunction(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
      const fcp = (await paint.jsonValue()) as number;
      // The same tab, key in session storage as after a sign-in: the script lists runs on load.
      await tab.evaluate(([name, key]) => sessionStorage.setItem(name, key), [sessionKeyName, apiKey] as const);
      await tab.reload();
      await tab.locator("#run-rows tr").first().waitFor();
      const shown = await tab.evaluate(() => performance.now());
      await context.close();
      if (i < plan.warmup) continue;
      firstRenderMs.push(fcp);
      listShownMs.push(shown);
    }
  } finally {
    await browser.close();
  }
  return { bytes, firstRenderMs, listShownMs, chromium: executablePath };
}
