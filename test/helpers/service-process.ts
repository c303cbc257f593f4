import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface ServiceProcess {
  url: string;
  /** Every JSON line the process wrote to stdout and stderr, parsed. */
  lines: Record<string, unknown>[];
  /** The raw text of both streams, for asserting that nothing secret was ever printed. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  child: ChildProcess;
}

/** The built bundle, made once per test run by the bundle global setup. */
export function bundlePath(): string {
  const path = process.env["TRIGGER_BUNDLE"];
  if (!path) throw new Error("TRIGGER_BUNDLE is not set: is test/helpers/bundle-setup.ts a vitest globalSetup?");
  return path;
}

/**
 * Runs the bundle with plain `node` from an empty folder (no node_modules anywhere near it),
 * configured only through `env`, and resolves once it logs that it listens.
 */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 15_000): Promise<ServiceProcess> {
  const dir = await mkdtemp(join(tmpdir(), "aci-trigger-run-"));
  const entry = join(dir, "server.mjs");
  await copyFile(bundlePath(), entry);
  const child = spawn(process.execPath, [entry], {
    cwd: dir,
    env: { PATH: process.env["PATH"] ?? "", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let raw = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not listen within ${timeoutMs} ms:\n${raw}`)), timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code} before listening:\n${raw}`));
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on("line", (line) => {
        raw += `${line}\n`;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (parsed["msg"] === "listening" && typeof parsed["port"] === "number") {
            clearTimeout(timer);
            resolve(parsed["port"]);
          }
        } catch {
          lines.push({ unparsed: line });
        }
      });
    }
  });

  const cleanup = () => rm(dir, { recursive: true, force: true });
  let port: number;
  try {
    port = await listening;
  } catch (error) {
    child.kill("SIGKILL");
    await cleanup();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    lines,
    output: () => raw,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      await cleanup();
      return code;
    },
  };
}
