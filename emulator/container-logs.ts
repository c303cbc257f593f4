import { containerView, type PlannedContainer, type Run } from "./lifecycle.js";
import { lastLines, runningLimits, terminatedLimits, type ContainerOutput, type LogLine } from "./log-window.js";
import { numberedPrinted } from "./numbered-lines.js";

/** Programs that print the whole environment, secure values included, as any real process would. */
const envPrinters = new Set(["env", "printenv"]);

/** True when the command runs `env` or `printenv`, directly or in a shell script. */
function printsEnvironment(command: readonly string[]): boolean {
  return command.flatMap((part) => part.split(/[\s;|&()]+/)).some((word) => envPrinters.has(word.slice(word.lastIndexOf("/") + 1)));
}

/**
 * What a simulated container writes to stdout during its current run: `run started`, its
 * command, one line per env var, the numbered lines of EMULATOR_LOG_LINES if any, and `exit code N`
 * when it exits by itself. The demo job masks secure values (`NAME=[secure]`); a command that runs
 * `env` or `printenv` prints them (`NAME=value`) as it would on ACI, so a test can see a secret
 * leak through the logs. Lines appear only once their moment has passed. As on ACI, a running
 * container's log is its last 4 MB, a terminated one's its last 16 KB or 1,000 lines (whichever is
 * less); a new run (a re-create) starts an empty log. `tail` then keeps the last N lines;
 * `timestamps` prefixes each with its RFC 3339 time.
 */
export function containerLogs(run: Run, container: PlannedContainer, now: number, options: { tail?: number; timestamps?: boolean }): string {
  const view = containerView(run, container, now);
  const state = view.currentState;
  // A stopped container's start time is in previousState, the Running state the stop ended.
  const started = state.startTime ?? (state.state === "Terminated" ? view.previousState?.startTime : undefined);
  if (state.state === "Waiting" || started === undefined) return "";
  const startMs = Date.parse(started);
  // Printing ends when the container does: at its exit or at the stop that ended it.
  const endMs = state.finishTime ? Date.parse(state.finishTime) : now;
  const output: ContainerOutput = { head: ownLines(container, startMs), foot: [] };
  if (container.numbered) output.numbered = { lines: container.numbered, startMs, printed: numberedPrinted(container.numbered, endMs - startMs) };
  // A stopped container has no exit code, and so no line for it.
  if (state.state === "Terminated" && state.exitCode !== undefined) output.foot.push({ at: endMs, text: `exit code ${state.exitCode}` });
  const limits = state.state === "Terminated" ? terminatedLimits : runningLimits;
  // `tail` applies after ACI's window, so it only ever narrows it.
  const kept = lastLines(output, { ...limits, maxLines: Math.min(limits.maxLines, options.tail ?? Number.POSITIVE_INFINITY) });
  return kept.map((line) => (options.timestamps ? `${new Date(line.at).toISOString()} ${line.text}\n` : `${line.text}\n`)).join("");
}

/** The lines the demo job prints at its start: `run started`, its command and its environment. */
function ownLines(container: PlannedContainer, at: number): LogLine[] {
  const lines: LogLine[] = [{ at, text: "run started" }];
  if (container.command.length > 0) lines.push({ at, text: `command: ${container.command.join(" ")}` });
  const revealSecure = printsEnvironment(container.command);
  for (const variable of container.env) {
    const secure = revealSecure && typeof variable.secureValue === "string" ? variable.secureValue : "[secure]";
    const shown = typeof variable.value === "string" ? variable.value : secure;
    lines.push({ at, text: `${String(variable.name)}=${shown}` });
  }
  return lines;
}
