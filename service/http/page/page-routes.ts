import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { ServiceError } from "../../core/service-error.js";
import type { RunService } from "../../runs/run-service.js";
import { listQuery, runIdParams } from "../run-parameters.js";
import { pageAssets, pageScript, pageStylesheet } from "./assets.js";
import { html, type Html } from "./html.js";
import { layoutHtml } from "./layout-html.js";
import { listHtml, listPageSize, type ListPage } from "./list-html.js";
import { runHtml } from "./run-html.js";
import { pageSecurityHeaders } from "./security-headers.js";

export interface PageRoutesOptions {
  runs: RunService;
  /** Sets `c.var.caller` when the request carries credentials, or when the service lets anyone in. */
  identify: MiddlewareHandler<AppEnv>;
  /** Whether the API takes callers without a key (no auth, or the local demo). */
  open: boolean;
  now: () => Date;
}

const immutable = "public, max-age=31536000, immutable";

/** A refusal of the run service, said on the page; anything else is the app's 500. */
async function orNotice<T>(read: () => Promise<T>): Promise<{ value?: T; notice?: Html }> {
  try {
    return { value: await read() };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { notice: html`<p class="error" role="alert">${error.message}</p>` };
  }
}

/**
 * GET / (the runs list, or one run with ?run=<id>) and its hashed script and stylesheet. Not part
 * of the API: no key is needed to load it, and the server renders data only for a request it can
 * identify (credentials sent, or an open service); a browser's script signs in and calls the API.
 */
export function pageRoutes({ runs, identify, open, now }: PageRoutesOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const asset of pageAssets) {
    app.get(asset.path, pageSecurityHeaders, (c) => c.body(asset.body, 200, { "Content-Type": asset.type, "Cache-Control": immutable }));
  }
  app.get("/", pageSecurityHeaders, identify, async (c) => {
    const signedIn = c.var.caller !== undefined;
    const runId = c.req.query("run");
    let content: Html;
    if (runId !== undefined) {
      const checked = runIdParams.safeParse({ id: runId });
      if (!checked.success) throw new ServiceError("InvalidRequest", `query.run ${checked.error.issues[0]?.message}.`);
      const read = signedIn ? await orNotice(() => runs.status(runId)) : {};
      const logs = read.value && read.value.status !== "queued" ? (await orNotice(() => runs.logs(runId))).value?.content : undefined;
      content = html`${read.notice}${runHtml(runId, read.value, logs, now())}`;
    } else {
      // The API's own rules for the filter and the cursor: the store takes only checked cursors.
      const query = listQuery.safeParse({ status: c.req.query("status") || undefined, cursor: c.req.query("cursor") || undefined, limit: listPageSize });
      if (!query.success) {
        const issue = query.error.issues[0];
        content = html`<p class="error" role="alert">query.${issue?.path.join(".")} ${issue?.message}</p>${listHtml(undefined, now())}`;
      } else {
        const { status, cursor } = query.data;
        const read = signedIn ? await orNotice(() => runs.list(query.data)) : {};
        const page: ListPage | undefined = read.value ? { ...read.value, ...(status ? { status } : {}), paged: cursor !== undefined } : undefined;
        content = html`${read.notice}${listHtml(page, now())}`;
      }
    }
    const body = layoutHtml({
      title: runId === undefined ? "Runs" : `Run ${runId}`,
      auth: open ? "open" : "key",
      signedIn,
      scriptPath: pageScript.path,
      stylePath: pageStylesheet.path,
      content,
      startForm: runId === undefined,
    });
    // The answer may hold run data for this caller: never kept by a cache.
    return c.html(body, 200, { "Cache-Control": "no-store" });
  });
  return app;
}
