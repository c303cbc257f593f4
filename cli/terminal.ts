import pc from "picocolors";
import { envNames } from "./env-names.js";

/** picocolors' colour functions, enabled or not. */
export type Colors = ReturnType<typeof pc.createColors>;

/** An output stream as the client needs to know it. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The process's outputs and environment, passed in so commands never reach for globals. */
export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
}

/** Whether a person is watching `stream`: a terminal that can redraw, outside CI (the rule of `is-interactive`). */
export function isInteractive(stream: OutStream, env: Io["env"]): boolean {
  return stream.isTTY === true && env["TERM"] !== "dumb" && !("CI" in env);
}

/** Colours for `stream`: real ones on an interactive terminal without NO_COLOR, else plain text. */
export function colorsFor(stream: OutStream, env: Io["env"]): Colors {
  return pc.createColors(isInteractive(stream, env) && !env[envNames.noColor]);
}

/**
 * Whether to draw a spinner on stderr. nanospinner decides by whether fd 1 is a terminal, so
 * both streams must be, or it would print one line per frame into a pipe; and it divides by the
 * terminal's width, so a terminal that reports none (a pty nobody sized) gets plain lines.
 */
export function canSpin(io: Io): boolean {
  return isInteractive(io.stderr, io.env) && isInteractive(io.stdout, io.env) && (io.stderr.columns ?? 0) > 0;
}
