import { spawn } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundlePath } from "./service-process.js";

export interface ServiceExit {
  code: number | null;
  /** Every line of stdout and stderr that parsed as JSON. */
  lines: Record<string, unknown>[];
  /** The raw text of both streams. */
  output: string;
}

/**
 * Runs the bundle as `startServiceProcess` does (plain node, empty folder, only `env`) for a
 * configuration it must refuse, and resolves with how it exited. Rejects if it starts listening
 * or is still running after `timeoutMs`: either way it did not refuse to start.
 */
export async function startServiceExpectingExit(env: Record<string, string>, timeoutMs = 15_000): Promise<ServiceExit> {
  const dir = await mkdtemp(join(tmpdir(), "aci-trigger-exit-"));
  const entry = join(dir, "server.mjs");
  await copyFile(bundlePath(), entry);
  const child = spawn(process.execPath, [entry], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", PORT: "0", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the service was still running after ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const read = (chunk: string) => {
        output += chunk;
        if (output.includes('"msg":"listening"')) {
          clearTimeout(timer);
          reject(new Error(`the service started listening instead of exiting:\n${output}`));
        }
      };
      child.stdout.setEncoding("utf8").on("data", read);
      child.stderr.setEncoding("utf8").on("data", read);
      // "close" rather than "exit": both streams have been read to the end by then.
      child.once("close", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    return { code, lines: parseLines(output), output };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}

function parseLines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { unparsed: line };
      }
    });
}
