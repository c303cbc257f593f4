import type { RunView } from "../../core/run.js";
import { durationMs, html, shownDuration, shownTime, statusBadge, type Html } from "./html.js";

/**
 * One run as the API shows it (env as returned: secure values never reach it), with a place for
 * its logs and a cancel button that the script fills and enables.
 */
export function runHtml(runId: string, run: RunView | undefined, logs: string | undefined, now: Date): Html {
  const field = (name: string, value: Html | string | number | undefined) => html`<dt>${name}</dt><dd id="run-${name.toLowerCase().replace(/ /g, "-")}">${value ?? "—"}</dd>`;
  const env = Object.entries(run?.env ?? {});
  return html`<section id="run" data-run-id="${runId}" aria-labelledby="run-title"${run ? "" : html` hidden`}>
<p><a href="/">← All runs</a></p>
<h2 id="run-title">Run <code>${runId}</code></h2>
<dl class="fields">
${field("Status", run ? statusBadge(run.status) : undefined)}
${field("Group", run?.group)}
${field("Image", run?.image)}
${field("Created", shownTime(run?.createdAt))}
${field("Started", shownTime(run?.startedAt))}
${field("Finished", shownTime(run?.finishedAt))}
${field("Duration", run ? shownDuration(durationMs(run, now)) : undefined)}
${field("Exit code", run?.exitCode)}
${field("Message", run?.message)}
${field("Started by", run?.startedBy)}
${field("Command", run?.command ? html`<code>${JSON.stringify(run.command)}</code>` : "the image's own")}
</dl>
<h3>Environment</h3>
<table id="run-env"><thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody>${env.map(([name, value]) => html`<tr><td><code>${name}</code></td><td><code>${value}</code></td></tr>`)}</tbody></table>
<p id="cancel-area" hidden><button type="button" id="cancel-run" class="danger">Cancel run</button></p>
<p id="run-state" class="state" role="status"></p>
<h3 id="logs-title">Logs</h3>
<pre id="logs" tabindex="0" aria-labelledby="logs-title">${logs ?? ""}</pre>
</section>`;
}
