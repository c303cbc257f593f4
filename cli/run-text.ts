import { formatDuration } from "./duration.js";
import type { Run } from "./run-types.js";
import type { Colors } from "./terminal.js";

/** The colour of a status word: green success, red failure, yellow for a run stopped on purpose. */
function paintStatus(status: string, colors: Colors): string {
  switch (status) {
    case "succeeded":
      return colors.green(status);
    case "failed":
    case "lost":
      return colors.red(status);
    case "canceled":
    case "timed_out":
      return colors.yellow(status);
    default:
      return colors.cyan(status);
  }
}

/** One line about a run: `run <id> failed · exit code 3 · <message>`, and the time it took when given. */
export function describeRun(run: Run, colors: Colors, elapsedMs?: number): string {
  const parts = [`run ${run.id} ${paintStatus(run.status, colors)}`];
  if (run.exitCode !== undefined) parts.push(`exit code ${run.exitCode}`);
  if (run.message) parts.push(run.message);
  if (elapsedMs !== undefined) parts.push(colors.dim(formatDuration(elapsedMs)));
  return parts.join(" · ");
}

/** `status ID`: the run's fields one per line, the status coloured. */
export function describeRunFields(run: Run, colors: Colors): string {
  const rows: Array<[string, string | undefined]> = [
    ["id", run.id],
    ["status", paintStatus(run.status, colors)],
    ["exit code", run.exitCode === undefined ? undefined : String(run.exitCode)],
    ["message", run.message],
    ["group", run.group],
    ["image", run.image],
    ["created", run.createdAt],
    ["started", run.startedAt],
    ["finished", run.finishedAt],
    ["started by", run.startedBy],
    ["attempt", attemptText(run)],
    ["retry at", run.retryAt],
    ["command", run.command === undefined ? undefined : JSON.stringify(run.command)],
    ["env", run.env === undefined || Object.keys(run.env).length === 0 ? undefined : Object.keys(run.env).join(", ")],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${colors.dim(label.padEnd(width))}  ${value}\n`).join("") + attemptsTable(run, colors);
}

/** `2 of 4` when the run may retry; the bare number when it may not; nothing from a service without attempts. */
function attemptText(run: Run): string | undefined {
  if (run.attempt === undefined) return undefined;
  return run.maxRetries ? `${run.attempt} of ${run.maxRetries + 1}` : String(run.attempt);
}

/** A run that retried: one line per attempt, under the fields. */
function attemptsTable(run: Run, colors: Colors): string {
  const attempts = run.attempts ?? [];
  if (attempts.length < 2) return "";
  const lines = attempts.map((a) => {
    const parts = [`  #${a.attempt} ${paintStatus(a.status, colors)}`];
    if (a.exitCode !== undefined) parts.push(`exit code ${a.exitCode}`);
    if (a.group) parts.push(a.group);
    if (a.dispatchedAt) parts.push(a.dispatchedAt);
    if (a.restartCount) parts.push(`restarted ${a.restartCount}x by ACI`);
    if (a.message) parts.push(a.message);
    return `${parts.join(" · ")}\n`;
  });
  return `${colors.dim("attempts")}\n${lines.join("")}`;
}

/**
 * `list`: one row per run under a header, in columns as wide as their widest cell (all cells are
 * ASCII: ids, statuses, numbers and timestamps).
 */
export function runTable(runs: readonly Run[], colors: Colors): string {
  const header = ["ID", "STATUS", "EXIT", "CREATED", "FINISHED"];
  const rows = runs.map((run) => [run.id, run.status, run.exitCode === undefined ? "" : String(run.exitCode), run.createdAt ?? run.startedAt ?? "", run.finishedAt ?? ""]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[], paint: (cell: string, column: number) => string) =>
    cells.map((cell, column) => (column === cells.length - 1 ? paint(cell, column) : paint(cell, column) + " ".repeat(widths[column]! - cell.length))).join("  ").trimEnd() + "\n";
  return (
    line(header, (cell) => colors.bold(cell)) + rows.map((row) => line(row, (cell, column) => (column === 1 ? paintStatus(cell, colors) : cell))).join("")
  );
}
