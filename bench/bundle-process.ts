import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";

export interface BundleProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** performance.now() just before spawn(). */
  spawnedAt: number;
  /** Resolves with performance.now() when the process logs "listening"; rejects if it exits first. */
  listening: Promise<number>;
  /** The raw text it wrote to stderr (a bench that breaks shows why). */
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** A port free on 127.0.0.1 right now, so the bench can poll it before the process says it listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Runs `node <script>` from the script's own folder with exactly `env` (plus PATH and PORT), the
 * way the runtime image runs the bundle: plain node, no node_modules, configuration only by env.
 * Its stdout is read and dropped line by line, as a log collector would.
 */
export async function spawnBundle(script: string, env: Record<string, string>, args: string[] = []): Promise<BundleProcess> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...args, script], {
    cwd: dirname(script),
    env: { PATH: process.env["PATH"] ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${script}`);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`${script} exited with ${code} before listening:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes('"msg":"listening"')) resolve(performance.now());
    });
  });
  listening.catch(() => undefined);
  return {
    child,
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    spawnedAt,
    listening,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
