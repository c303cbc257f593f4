import { spawn } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eventually } from "./emulator.js";

/** The committed client bundle, the file `package.json`'s `bin` names. */
export const cliBundle = resolve("cli/aci-trigger.mjs");

/** How fast the client polls in tests, through its own setting: runs are watched, never waited out. */
export const testPollInterval = "50ms";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A client process under way: its output so far, and its end. */
export interface CliProcess {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once the process's stdout or stderr satisfies `condition`. */
  waitForOutput(condition: (output: { stdout: string; stderr: string }) => boolean, timeoutMs?: number): Promise<void>;
  signal(name: NodeJS.Signals): void;
  done: Promise<CliResult>;
}

/** Where the bundle runs from: a copy in an empty folder, so nothing near it can be resolved. */
export interface CliHome {
  entry: string;
  dir: string;
  close(): Promise<void>;
}

/** Copies the committed bundle alone into a fresh folder, proving the file runs on its own. */
export async function cliHome(): Promise<CliHome> {
  const dir = await mkdtemp(join(tmpdir(), "aci-trigger-cli-"));
  const entry = join(dir, "aci-trigger.mjs");
  await copyFile(cliBundle, entry);
  return { entry, dir, close: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The client's environment in tests: PATH, the test poll interval, nothing inherited (no CI,
 * no TERM, no TRIGGER_*), plus `env`.
 */
export function cliEnv(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env["PATH"] ?? "", TRIGGER_POLL_INTERVAL: testPollInterval, ...env };
}

/**
 * Starts `command args` (by default `node <bundle>`) with pipes for stdout and stderr (so not a
 * terminal) and `env` as its whole environment.
 */
export function spawnCli(home: CliHome, args: readonly string[], env: Record<string, string>, command: readonly string[] = [process.execPath, home.entry]): CliProcess {
  const child = spawn(command[0]!, [...command.slice(1), ...args], { cwd: home.dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
  return {
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput: (condition, timeoutMs = 15_000) =>
      eventually(
        async () => ({ stdout, stderr }),
        (output) => condition(output),
        timeoutMs,
      ).then(() => undefined),
    signal: (name) => void child.kill(name),
    done,
  };
}

/** Runs the client to its end. */
export function runCliProcess(home: CliHome, args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return spawnCli(home, args, env).done;
}
