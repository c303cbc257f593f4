/** The runs list: filter, cursor paging, a chart, and polling while a listed run is active. */
export const clientList = String.raw`
const listState = { status: "", cursor: null, timer: undefined };
const svgNs = "http://www.w3.org/2000/svg";

function svg(tag, attrs, children) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
  for (const child of children || []) node.append(child);
  return node;
}

function listQuery() {
  const params = new URLSearchParams();
  if (listState.status) params.set("status", listState.status);
  if (listState.cursor) params.set("cursor", listState.cursor);
  return params;
}

function runRow(run) {
  return el("tr", {}, [
    el("td", {}, el("a", { href: "/?run=" + encodeURIComponent(run.id) }, el("code", {}, run.id))),
    el("td", {}, badge(run.status)),
    el("td", {}, run.group || "—"),
    el("td", {}, shownTime(run.createdAt)),
    el("td", {}, shownTime(run.startedAt)),
    el("td", {}, shownDuration(durationMs(run))),
    el("td", {}, run.exitCode === undefined ? "—" : String(run.exitCode)),
  ]);
}

/** Bars oldest to newest: height the duration, colour and title the outcome; counts beside it in words. */
function drawChart(runs) {
  const figure = byId("chart");
  figure.hidden = runs.length === 0;
  if (runs.length === 0) return;
  const ordered = runs.slice().reverse();
  const durations = ordered.map((run) => durationMs(run) || 0);
  const longest = Math.max(1, ...durations);
  const width = 24, height = 96;
  const counts = {};
  for (const run of ordered) counts[run.status] = (counts[run.status] || 0) + 1;
  const summary = Object.keys(counts).map((status) => counts[status] + " " + status).join(", ");
  const bars = ordered.map((run, i) => {
    const h = Math.max(2, Math.round((durations[i] / longest) * (height - 4)));
    return svg("rect", { x: i * width + 2, y: height - h, width: width - 4, height: h, class: "bar-" + run.status }, [
      svg("title", {}, [run.id + ": " + run.status + ", " + shownDuration(durationMs(run))]),
    ]);
  });
  const chart = svg("svg", { viewBox: "0 0 " + ordered.length * width + " " + height, width: ordered.length * width, height, role: "img", "aria-label": "Durations of " + ordered.length + " runs, longest " + shownDuration(longest) + ": " + summary }, bars);
  const legend = el("ul", { class: "legend" }, Object.keys(counts).map((status) => el("li", {}, [badge(status), " " + counts[status]])));
  byId("chart-body").replaceChildren(chart, legend);
}

async function loadList() {
  clearTimeout(listState.timer);
  const params = listQuery();
  params.set("limit", String(pageSize));
  const answer = await api("/runs?" + params.toString());
  if (!answer.ok) {
    if (answer.status !== 401) say("list-state", "Cannot list runs: " + errorText(answer), true);
    return;
  }
  const runs = answer.body.runs;
  const rows = byId("run-rows");
  // Rows are rebuilt every poll: a reader's focus on a run's link stays on that link.
  const focused = rows.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
  rows.replaceChildren(...runs.map(runRow));
  const again = focused && [...rows.querySelectorAll("a")].find((link) => link.getAttribute("href") === focused);
  if (again) again.focus();
  byId("list-empty").hidden = runs.length > 0;
  byId("older-page").hidden = !answer.body.nextCursor;
  byId("older-page").dataset.cursor = answer.body.nextCursor || "";
  byId("newest-page").hidden = !listState.cursor;
  drawChart(runs);
  const active = runs.some(isActive);
  say("list-state", active ? "Updating while runs are active." : "Updated at " + new Date().toISOString().slice(11, 19) + " UTC.");
  // Active runs change by the second; an idle newest page still shows runs others start.
  if (active || !listState.cursor) listState.timer = setTimeout(loadList, active ? 1000 : 5000);
  timers.push(listState.timer);
}

function listUrl() {
  const text = listQuery().toString();
  history.replaceState(null, "", text ? "/?" + text : "/");
}

if (byId("list")) {
  const initial = new URLSearchParams(location.search);
  listState.status = initial.get("status") || "";
  listState.cursor = initial.get("cursor");
  byId("filter").addEventListener("submit", (event) => {
    event.preventDefault();
    listState.status = byId("status-filter").value;
    listState.cursor = null;
    listUrl();
    loadList();
  });
  byId("older-page").addEventListener("click", (event) => {
    event.preventDefault();
    listState.cursor = byId("older-page").dataset.cursor;
    listUrl();
    loadList();
  });
  byId("newest-page").addEventListener("click", (event) => {
    event.preventDefault();
    listState.cursor = null;
    listUrl();
    loadList();
  });
  views.push(() => {
    byId("list").hidden = false;
    loadList();
  });
}
`;
