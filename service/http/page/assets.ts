import { createHash } from "node:crypto";
import { clientCore, clientStart } from "./client-core.js";
import { clientList } from "./client-list.js";
import { clientRun } from "./client-run.js";
import { clientStartForm } from "./client-start.js";
import { listPageSize } from "./list-html.js";
import { statusLook } from "./status-look.js";
import { stylesheet } from "./stylesheet.js";

/** Where the script keeps the key: this tab's session storage, under this name. */
export const sessionKeyName = "aci-trigger-key";

export interface Asset {
  /** The path under which it is served: its content hash in the name, so it can be cached forever. */
  path: string;
  type: string;
  body: string;
}

function asset(name: string, extension: string, type: string, body: string): Asset {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { path: `/page/${name}.${hash}.${extension}`, type, body };
}

/** The page's one script: the parts in order, sharing one scope, with the status table of the server. */
export const pageScript = asset(
  "page",
  "js",
  "text/javascript; charset=utf-8",
  `"use strict";\n(() => {\nconst look = ${JSON.stringify(statusLook)};\nconst pageSize = ${listPageSize};\nconst keyName = ${JSON.stringify(sessionKeyName)};\n${[clientCore, clientList, clientRun, clientStartForm, clientStart].join("\n")}\n})();\n`,
);

export const pageStylesheet = asset("page", "css", "text/css; charset=utf-8", stylesheet);

export const pageAssets: readonly Asset[] = [pageScript, pageStylesheet];
