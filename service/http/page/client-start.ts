/** The start form: env rows, a command where the service allows one, an optional Idempotency-Key. */
export const clientStartForm = String.raw`
let envRowCount = 0;

function addEnvRow() {
  envRowCount += 1;
  const n = envRowCount;
  const row = el("div", { class: "env-row" }, [
    el("label", { for: "env-name-" + n }, "Name"),
    el("input", { id: "env-name-" + n, class: "env-name", type: "text", autocomplete: "off", spellcheck: "false" }),
    el("label", { for: "env-value-" + n }, "Value"),
    el("input", { id: "env-value-" + n, class: "env-value", type: "text", autocomplete: "off", spellcheck: "false" }),
  ]);
  const remove = el("button", { type: "button", "aria-label": "Remove variable " + n }, "Remove");
  remove.addEventListener("click", () => row.remove());
  row.append(remove);
  byId("env-rows").append(row);
  return row;
}

/** The service says in its OpenAPI document whether a run may replace the command. */
async function commandAllowed() {
  const answer = await api("/openapi.json");
  const request = answer.ok && answer.body.components && answer.body.components.schemas ? answer.body.components.schemas.RunRequest : undefined;
  return Boolean(request && request.properties && request.properties.command);
}

function startRequest() {
  const env = {};
  for (const row of byId("env-rows").querySelectorAll(".env-row")) {
    const name = row.querySelector(".env-name").value.trim();
    if (name) env[name] = row.querySelector(".env-value").value;
  }
  const body = { env };
  const lines = byId("command").value.split("\n").filter((line) => line.trim() !== "");
  if (!byId("command-row").hidden && lines.length > 0) body.command = lines;
  const headers = { "Content-Type": "application/json" };
  const key = byId("idempotency-key").value.trim();
  if (key) headers["Idempotency-Key"] = key;
  return { method: "POST", headers, body: JSON.stringify(body) };
}

if (byId("start")) {
  addEnvRow();
  byId("add-env").addEventListener("click", () => addEnvRow().querySelector("input").focus());
  byId("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    say("start-state", "Starting…");
    const answer = await api("/runs", startRequest());
    if (!answer.ok) {
      if (answer.status !== 401) say("start-state", "Not started: " + errorText(answer), true);
      return;
    }
    const node = byId("start-state");
    node.classList.remove("error");
    node.replaceChildren(answer.replayed ? "Replayed run " : "Started run ", el("a", { href: "/?run=" + encodeURIComponent(answer.body.id) }, el("code", {}, answer.body.id)), ".");
    loadList();
  });
  views.push(async () => {
    byId("start").hidden = false;
    byId("command-row").hidden = !(await commandAllowed());
  });
}
`;
