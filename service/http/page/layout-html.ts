import { html, type Html } from "./html.js";

export interface Layout {
  title: string;
  /** "open": the API takes callers without a key; "key": the script asks for one. */
  auth: "open" | "key";
  /** Whether the server could read the data for this request (open service, or credentials sent). */
  signedIn: boolean;
  scriptPath: string;
  stylePath: string;
  content: Html;
  /** The start form belongs to the list, not to a run's page. */
  startForm: boolean;
}

const signIn = (hidden: boolean) => html`<section id="sign-in" aria-labelledby="sign-in-title"${hidden ? html` hidden` : ""}>
<h2 id="sign-in-title">Sign in</h2>
<form id="sign-in-form">
<label for="api-key">API key</label>
<input id="api-key" name="key" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">The key stays in this tab's session storage and is sent only as the bearer header of API calls.</p>
<p id="sign-in-error" class="error" role="alert"></p>
<noscript><p class="error">Signing in needs JavaScript: the key goes in a header, which a plain page cannot send. Without script, this page lists runs only for requests that carry the key (<code>Authorization: Bearer …</code>) or on a service open to anonymous callers; or use the API or the CLI.</p></noscript>
</section>`;

const startForm = html`<section id="start" aria-labelledby="start-title" hidden>
<h2 id="start-title">Start a run</h2>
<form id="start-form">
<fieldset id="env-rows"><legend>Environment variables</legend></fieldset>
<p><button type="button" id="add-env">Add variable</button></p>
<p id="command-row" hidden><label for="command">Command, one argument per line (empty: the image's own)</label>
<textarea id="command" rows="3" spellcheck="false"></textarea></p>
<p><label for="idempotency-key">Idempotency-Key (optional)</label>
<input id="idempotency-key" type="text" autocomplete="off" spellcheck="false"></p>
<p><button type="submit">Start run</button></p>
</form>
<p id="start-state" class="state" role="status"></p>
</section>`;

/** The page around its content: one stylesheet and one deferred script of this origin, nothing inline. */
export function layoutHtml(layout: Layout): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${layout.title} · aci-http-trigger</title>
<link rel="stylesheet" href="${layout.stylePath}">
<script src="${layout.scriptPath}" defer></script>
</head>
<body data-auth="${layout.auth}">
<header class="top"><p class="brand"><a href="/">aci-http-trigger</a></p>
<button type="button" id="sign-out" hidden>Sign out</button></header>
<main>
${signIn(layout.signedIn)}
${layout.content}
${layout.startForm ? startForm : ""}
</main>
</body>
</html>`.text}\n`;
}
