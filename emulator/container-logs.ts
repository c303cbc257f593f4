import { containerView, iso, type PlannedContainer, type Run } from "./lifecycle.js";
import { numberedOffsetMs, numberedPrinted, numberedText } from "./numbered-lines.js";

/** Programs that print the whole environment, secure values included, as any real process would. */
const envPrinters = new Set(["env", "printenv"]);

/** True when the command runs `env` or `printenv`, directly or in a shell script. */
function printsEnvironment(command: readonly string[]): boolean {
  return command.flatMap((part) => part.split(/[\s;|&()]+/)).some((word) => envPrinters.has(word.slice(word.lastIndexOf("/") + 1)));
}

/**
 * What a simulated container writes to stdout during its current (or last) run: `run started`,
 * its command, one line per env var, and `exit code N` when it exits by itself. The demo job
 * masks secure values (`NAME=[secure]`); a command that runs `env` or `printenv` prints them
 * (`NAME=value`) as it would on ACI, so a test can see a secret leak through the logs. Then the
 * numbered lines of EMULATOR_LOG_LINES, if any. Lines appear only once
 * their moment has passed. `tail` keeps the last N lines; `timestamps` prefixes each with its
 * RFC 3339 time, as ACI does.
 */
export function containerLogs(run: Run, container: PlannedContainer, now: number, options: { tail?: number; timestamps?: boolean }): string {
  const view = containerView(run, container, now);
  const state = view.currentState;
  // A stopped container's start time is in previousState, the Running state the stop ended.
  const started = state.startTime ?? (state.state === "Terminated" ? view.previousState?.startTime : undefined);
  if (state.state === "Waiting" || started === undefined) return "";
  const lines: Array<{ at: string; text: string }> = [{ at: started, text: "run started" }];
  if (container.command.length > 0) lines.push({ at: started, text: `command: ${container.command.join(" ")}` });
  const revealSecure = printsEnvironment(container.command);
  for (const variable of container.env) {
    const secure = revealSecure && typeof variable.secureValue === "string" ? variable.secureValue : "[secure]";
    const shown = typeof variable.value === "string" ? variable.value : secure;
    lines.push({ at: started, text: `${String(variable.name)}=${shown}` });
  }
  if (container.numbered) {
    // Printing ends when the container does: at its exit or at the stop that ended it.
    const startMs = Date.parse(started);
    const endMs = state.finishTime ? Date.parse(state.finishTime) : now;
    const printed = numberedPrinted(container.numbered, endMs - startMs);
    for (let i = 1; i <= printed; i++) lines.push({ at: iso(startMs + numberedOffsetMs(container.numbered, i)), text: numberedText(i) });
  }
  // A stopped container has no exit code, and so no line for it.
  if (state.state === "Terminated" && state.exitCode !== undefined && state.finishTime) {
    lines.push({ at: state.finishTime, text: `exit code ${state.exitCode ?? 0}` });
  }
  const kept = options.tail !== undefined ? lines.slice(Math.max(lines.length - options.tail, 0)) : lines;
  return kept.map((line) => (options.timestamps ? `${line.at} ${line.text}\n` : `${line.text}\n`)).join("");
}
