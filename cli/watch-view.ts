import { createSpinner } from "nanospinner";
import { formatDuration } from "./duration.js";
import { hasEnded, type Run } from "./run-types.js";
import { describeRun } from "./run-text.js";
import { canSpin, colorsFor, type Io } from "./terminal.js";
import type { WatchEvent } from "./watch-run.js";

/** How `run --wait` shows a run on its way: the first answer, then each event of the watch. */
export interface WatchView {
  begin(run: Run): void;
  show(event: WatchEvent): void;
  /** Stops drawing (and restores the cursor); safe to call more than once. */
  close(): void;
}

/** `--json` for machines, a spinner for a person at a terminal, plain lines for everything else. */
export type ViewMode = "json" | "spinner" | "plain";

/** The view mode for these outputs. */
export function viewMode(io: Io, json: boolean): ViewMode {
  if (json) return "json";
  return canSpin(io) ? "spinner" : "plain";
}

/** What to tell when `--wait-timeout` ran out: the run is not stopped, so say how to stop it. */
export function timedOutText(run: Run, elapsedMs: number): string {
  return `run ${run.id} still ${run.status} after ${formatDuration(elapsedMs)} (--wait-timeout); it goes on: stop it with \`aci-trigger cancel ${run.id}\``;
}

/**
 * JSON: every answer about the run on stdout, one object a line, the last one the run as it
 * ended; the run's output goes to stderr so stdout stays parseable.
 */
function jsonView(io: Io, now: () => number): WatchView {
  const began = now();
  const line = (run: Run) => io.stdout.write(`${JSON.stringify(run)}\n`);
  return {
    begin: line,
    show(event) {
      if (event.kind === "status") line(event.run);
      else if (event.kind === "logs") io.stderr.write(event.text);
      else if (event.kind === "wait-expired") io.stderr.write(`${timedOutText(event.run, now() - began)}\n`);
    },
    close() {},
  };
}

/** Plain lines on stderr for each status, the run's output on stdout, no escape codes. */
function plainView(io: Io, now: () => number): WatchView {
  const began = now();
  const colors = colorsFor(io.stderr, io.env);
  const say = (text: string) => io.stderr.write(`${text}\n`);
  return {
    begin: (run) => say(describeRun(run, colors)),
    show(event) {
      if (event.kind === "status" && !hasEnded(event.run)) say(describeRun(event.run, colors));
      else if (event.kind === "logs") io.stdout.write(event.text);
      else if (event.kind === "ended") say(describeRun(event.run, colors, now() - began));
      else if (event.kind === "wait-expired") say(timedOutText(event.run, now() - began));
    },
    close() {},
  };
}

/**
 * A spinner on stderr with the run's status and the time since it began, redrawn below each
 * batch of output; on the end it is cleared and replaced by one coloured line.
 */
function spinnerView(io: Io, now: () => number): WatchView {
  const began = now();
  const colors = colorsFor(io.stderr, io.env);
  const spinner = createSpinner("", { stream: io.stderr as NodeJS.WriteStream });
  let current: Run | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const text = () => `${describeRun(current!, colors)} · ${colors.dim(formatDuration(now() - began))}`;
  const stopTicker = () => {
    clearInterval(ticker);
    ticker = undefined;
  };
  const finish = (run: Run) => {
    stopTicker();
    const line = describeRun(run, colors, now() - began);
    if (run.status === "succeeded") spinner.success({ text: line });
    else if (run.status === "canceled" || run.status === "timed_out") spinner.warn({ text: line });
    else spinner.error({ text: line });
  };
  return {
    begin(run) {
      current = run;
      spinner.start({ text: text() });
      ticker = setInterval(() => spinner.update({ text: text() }), 1000);
      ticker.unref();
    },
    show(event) {
      if (event.kind === "status") {
        current = event.run;
        // The end is drawn once, by "ended".
        if (!hasEnded(event.run)) spinner.update({ text: text() });
      } else if (event.kind === "logs") {
        spinner.clear();
        io.stdout.write(event.text);
        spinner.render();
      } else if (event.kind === "ended") finish(event.run);
      else {
        stopTicker();
        spinner.warn({ text: timedOutText(event.run, now() - began) });
      }
    },
    close() {
      stopTicker();
      if (spinner.isSpinning()) spinner.stop();
    },
  };
}

/** The view of `mode` on these outputs; `now` times the run from when the view was made. */
export function watchView(mode: ViewMode, io: Io, now: () => number): WatchView {
  if (mode === "json") return jsonView(io, now);
  return mode === "spinner" ? spinnerView(io, now) : plainView(io, now);
}
