/** A run's page: its fields and env, its logs polled while it runs, and cancel with a confirmation. */
export const clientRun = String.raw`
const runSection = byId("run");
let runTimer;

function setField(name, value) {
  const node = byId("run-" + name);
  node.replaceChildren(value === undefined || value === null ? "—" : value);
}

function showRun(run) {
  setField("status", badge(run.status));
  setField("group", run.group);
  setField("image", run.image);
  setField("created", shownTime(run.createdAt));
  setField("started", shownTime(run.startedAt));
  setField("finished", shownTime(run.finishedAt));
  setField("duration", shownDuration(durationMs(run)));
  setField("exit-code", run.exitCode === undefined ? undefined : String(run.exitCode));
  setField("message", run.message);
  setField("started-by", run.startedBy);
  setField("command", run.command ? el("code", {}, JSON.stringify(run.command)) : "the image's own");
  const rows = Object.keys(run.env || {}).map((name) => el("tr", {}, [el("td", {}, el("code", {}, name)), el("td", {}, el("code", {}, run.env[name]))]));
  byId("run-env").tBodies[0].replaceChildren(...rows);
  byId("cancel-area").hidden = !isActive(run);
}

async function loadLogs(run) {
  if (run.status === "queued") return;
  const answer = await api("/runs/" + encodeURIComponent(run.id) + "/logs");
  const logs = byId("logs");
  if (answer.ok) {
    // Follow the end while the reader has not scrolled up.
    const atEnd = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
    logs.textContent = answer.body.content;
    if (atEnd) logs.scrollTop = logs.scrollHeight;
  } else if (answer.status !== 401) {
    say("run-state", "Logs not available yet: " + errorText(answer));
  }
}

async function loadRun() {
  clearTimeout(runTimer);
  const id = runSection.dataset.runId;
  const answer = await api("/runs/" + encodeURIComponent(id));
  if (!answer.ok) {
    if (answer.status !== 401) say("run-state", "Cannot read the run: " + errorText(answer), true);
    return;
  }
  runSection.hidden = false;
  showRun(answer.body);
  await loadLogs(answer.body);
  if (isActive(answer.body)) {
    runTimer = setTimeout(loadRun, 1000);
    timers.push(runTimer);
  }
}

if (runSection) {
  byId("cancel-run").addEventListener("click", async () => {
    const id = runSection.dataset.runId;
    if (!window.confirm("Cancel run " + id + "? Its container group is stopped.")) return;
    say("run-state", "Canceling…");
    const answer = await api("/runs/" + encodeURIComponent(id) + "/cancel", { method: "POST" });
    if (!answer.ok) {
      say("run-state", "Cannot cancel: " + errorText(answer), true);
      return;
    }
    say("run-state", "Canceled.");
    loadRun();
  });
  views.push(loadRun);
}
`;
