import { spawn } from "node:child_process";
import type { CliResult } from "./cli-process.js";

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** Terminal escape sequences (CSI), for reading what a terminal would show. */
export const ansiPattern = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs `command` on a pseudo-terminal, through util-linux `script` (`-e`: its exit code is the
 * command's), `columns` wide (0: a terminal that reports no width, as a pty nobody sized does;
 * set either way, since `script` may copy the size of whatever terminal it finds). `stdout` is
 * everything the terminal received, escape codes included.
 */
export function runOnPty(command: readonly string[], env: Record<string, string>, columns: number): Promise<CliResult> {
  const line = `stty cols ${columns} rows ${columns === 0 ? 0 : 40}; exec ${command.map(quote).join(" ")}`;
  const child = spawn("script", ["-qfec", line, "/dev/null"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`util-linux \`script\` is needed for pseudo-terminal tests: ${error.message}`)));
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
