/**
 * The script's shared part, as the text the browser runs (no build step: plain ES2020 in the
 * page's one script, no template literals so this module's own template stays literal). It calls
 * only the HTTP API, with the key from this tab's session storage as the bearer header.
 */
export const clientCore = String.raw`
const open = document.body.dataset.auth === "open";
const byId = (id) => document.getElementById(id);
const storedKey = () => sessionStorage.getItem(keyName);

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of [].concat(children === undefined ? [] : children)) {
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function shownTime(iso) {
  if (!iso) return el("span", { class: "none" }, "—");
  return el("time", { datetime: iso }, iso.slice(0, 19).replace("T", " ") + " UTC");
}

function durationMs(run) {
  if (!run.startedAt) return undefined;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  return Math.max(0, end - Date.parse(run.startedAt));
}

function shownDuration(ms) {
  if (ms === undefined) return "—";
  if (ms < 10000) return (ms / 1000).toFixed(1) + " s";
  if (ms < 120000) return Math.round(ms / 1000) + " s";
  return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
}

function badge(status) {
  const shown = look[status] || { icon: "?", word: status };
  return el("span", { class: "status status-" + status }, [el("span", { "aria-hidden": "true" }, shown.icon), " " + shown.word]);
}

const isActive = (run) => run.status === "queued" || run.status === "starting" || run.status === "running";

function say(id, text, isError) {
  const node = byId(id);
  if (!node) return;
  node.textContent = text;
  node.classList.toggle("error", Boolean(isError));
}

const errorText = (answer) => (answer.body && answer.body.error ? answer.body.error.message + " (" + answer.body.error.code + ")" : "HTTP " + answer.status);

/** One API call; 401 signs the tab out, since the key in hand no longer opens anything. */
async function api(path, init, candidate) {
  const options = init || {};
  const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
  const key = candidate || storedKey();
  if (key) headers.Authorization = "Bearer " + key;
  let res;
  try {
    res = await fetch(path, { method: options.method || "GET", headers, body: options.body, cache: "no-store", credentials: "omit" });
  } catch (error) {
    return { ok: false, status: 0, body: { error: { code: "NetworkError", message: "The service cannot be reached" } } };
  }
  const body = await res.json().catch(() => ({}));
  if (res.status === 401 && !candidate) signOut("The key was refused; sign in again.");
  return { ok: res.ok, status: res.status, body, replayed: res.headers.get("Idempotent-Replayed") === "true" };
}

const views = [];
let timers = [];
function later(fn, ms) {
  timers.push(setTimeout(fn, ms));
}

function signOut(message) {
  sessionStorage.removeItem(keyName);
  for (const timer of timers) clearTimeout(timer);
  timers = [];
  for (const id of ["list", "run", "start"]) if (byId(id)) byId(id).hidden = true;
  const rows = byId("run-rows");
  if (rows) rows.replaceChildren();
  byId("sign-out").hidden = true;
  byId("sign-in").hidden = false;
  say("sign-in-error", message || "", Boolean(message));
  byId("api-key").focus();
}

function showData() {
  byId("sign-in").hidden = true;
  byId("sign-out").hidden = open;
  for (const view of views) view();
}

byId("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = byId("api-key");
  const key = input.value.trim();
  say("sign-in-error", "");
  const answer = await api("/runs?limit=1", {}, key);
  if (!answer.ok) {
    say("sign-in-error", answer.status === 401 ? "The key was refused." : "Cannot sign in: " + errorText(answer), true);
    return;
  }
  input.value = "";
  sessionStorage.setItem(keyName, key);
  showData();
});
byId("sign-out").addEventListener("click", () => signOut("Signed out."));
`;

/** Runs last: shows the data when the tab already holds a key or the service is open. */
export const clientStart = String.raw`
if (open || storedKey()) showData();
else signOut();
`;
