import { runStatuses, type RunStatus, type RunView } from "../../core/run.js";
import { durationMs, html, shownDuration, shownTime, statusBadge, type Html } from "./html.js";

export interface ListPage {
  runs: RunView[];
  nextCursor: string | null;
  status?: RunStatus;
  /** Whether this page came after a cursor: a link back to the newest page is then useful. */
  paged: boolean;
}

/** Runs per page, with and without script. */
export const listPageSize = 20;

export const listColumns = ["Run", "Status", "Group", "Created", "Started", "Duration", "Exit code"];

function runRow(run: RunView, now: Date): Html {
  return html`<tr>
<td><a href="/?run=${encodeURIComponent(run.id)}"><code>${run.id}</code></a></td>
<td>${statusBadge(run.status)}</td>
<td>${run.group ?? "—"}</td>
<td>${shownTime(run.createdAt)}</td>
<td>${shownTime(run.startedAt)}</td>
<td>${shownDuration(durationMs(run, now))}</td>
<td>${run.exitCode ?? "—"}</td>
</tr>`;
}

const pageLink = (query: Record<string, string | undefined>) => {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const text = params.toString();
  return text ? `/?${text}` : "/";
};

/**
 * The runs list as plain HTML: the status filter is a GET form and the pages are links, so it
 * works without script; the script replaces the rows and links in place and keeps them current.
 */
export function listHtml(page: ListPage | undefined, now: Date): Html {
  const rows = page ? page.runs.map((run) => runRow(run, now)) : [];
  const status = page?.status;
  return html`<section id="list" aria-labelledby="list-title"${page ? "" : html` hidden`}>
<h2 id="list-title">Runs</h2>
<form id="filter" method="get" action="/" class="toolbar">
<label for="status-filter">Status</label>
<select id="status-filter" name="status">
<option value="">any status</option>
${runStatuses.map((s) => html`<option value="${s}"${s === status ? html` selected` : ""}>${s}</option>`)}
</select>
<button type="submit">Show</button>
</form>
<figure id="chart" hidden><figcaption>Durations and outcomes of the listed runs, oldest first</figcaption><div id="chart-body"></div></figure>
<table id="runs">
<thead><tr>${listColumns.map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
<tbody id="run-rows">${rows}</tbody>
</table>
<p id="list-empty"${page && page.runs.length === 0 ? "" : html` hidden`}>No runs${status ? ` in status ${status}` : ""}.</p>
<nav aria-label="Pages of runs" class="pager">
<a id="newest-page" href="${pageLink({ status })}"${page?.paged ? "" : html` hidden`}>Newest runs</a>
<a id="older-page" href="${pageLink({ status, cursor: page?.nextCursor ?? undefined })}"${page?.nextCursor ? "" : html` hidden`}>Older runs</a>
</nav>
<p id="list-state" class="state" role="status"></p>
</section>`;
}
