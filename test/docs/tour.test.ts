import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/emulator.js";

const repo = resolve(".");
const tourTimeoutMs = 180_000;

/** The first `sh` block of the README's "Five-minute tour", exactly as a reader copies it. */
async function tourBlock(): Promise<string> {
  const readme = await readFile(join(repo, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Five-minute tour\n"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README.md has no sh block under ## Five-minute tour");
  return block;
}

/** A port nobody listens on right now, for the demo to take through PORT. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

interface Finished {
  code: number | null;
  output: string;
  /** Ends what is left of the harness and of the background job. */
  endGroups(): void;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `script` with `bash -e` in `cwd` and resolves when bash exits. With `terminal`, bash runs
 * on a pseudo-terminal (util-linux `script`) with job control on, as in the interactive shell a
 * reader pastes into, where `kill %1` signals the whole background job (npm and the demo under
 * it). What is left when `timeoutMs` passes, or when the caller calls `endGroups`, is ended by
 * process group: the harness's own, and the background job's, which bash reports as it exits.
 */
function runBash(script: string, cwd: string, env: Record<string, string>, timeoutMs: number, terminal = false): Promise<Finished> {
  const withJob = `trap 'echo "tour-background-job:\${!:-none}"' EXIT\n${script}`;
  const command = terminal ? ["script", "-qfec", `bash -m -e -c ${quote(withJob)}`, "/dev/null"] : ["bash", "-e", "-c", withJob];
  const child = spawn(command[0]!, command.slice(1), { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const endGroups = () => {
    const job = /tour-background-job:(\d+)/.exec(output)?.[1];
    for (const group of [child.pid, job === undefined ? undefined : Number(job)]) {
      try {
        if (group !== undefined) process.kill(-group, "SIGKILL");
      } catch {
        // that group already ended
      }
    }
  };
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      endGroups();
      reject(new Error(`the script did not end within ${timeoutMs / 1000} s; its output so far:\n${output}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, output: output.replaceAll("\r\n", "\n"), endGroups });
    });
  });
}

/** Whether anything accepts connections on `port` of loopback. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolveProbe(true);
    });
    socket.once("error", () => resolveProbe(false));
  });
}

describe("the README's five-minute tour, pasted into bash", () => {
  let dir: string;
  /** The environment of a fresh shell: no Azure, no trigger settings, a home of its own. */
  let shellEnv: (extra?: Record<string, string>) => Record<string, string>;

  beforeAll(async () => {
    // A folder that looks like a checkout (each top-level entry linked), so the tour's demo.log
    // and npm's own files land there and never in the repository.
    dir = await mkdtemp(join(tmpdir(), "aci-trigger-tour-"));
    for (const entry of await readdir(repo)) {
      if (entry !== ".git" && !entry.endsWith(".log")) await symlink(join(repo, entry), join(dir, entry));
    }
    shellEnv = (extra = {}) => ({
      PATH: process.env["PATH"] ?? "",
      HOME: dir,
      TMPDIR: dir,
      // npx must find the client in this project, never ask a registry.
      npm_config_offline: "true",
      npm_config_update_notifier: "false",
      ...extra,
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    "runs to its end against npm start: the demo answers, runs succeed and fail as the comments say, the CLI included, and the demo stops",
    async () => {
      const port = await freePort();
      // TERM=dumb: on the terminal, the CLI prints plain lines instead of its spinner.
      // An Azure engineer's shell: a subscription and a production key set, which the tour must not pick up.
      const azureShell = { AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001", TRIGGER_KEY: "a-production-key-0123456789" };
      const env = shellEnv({ PORT: String(port), TERM: "dumb", ...azureShell });
      const { code, output, endGroups } = await runBash(await tourBlock(), dir, env, tourTimeoutMs, true);
      try {
        expect(code, output).toBe(0);
        expect(output).toContain('{"status":"ok"}');
        // The curl start, the run read back through $id, the failing job, and the history.
        expect(output).toMatch(/\{"id":"[0-9a-f-]{36}","status":"starting","group":"demo-job","env":\{"GREETING":"hello"\}/);
        expect(output).toMatch(/\{"id":"[0-9a-f-]{36}","status":"succeeded","group":"demo-job","env":\{"GREETING":"again"\}.*"exitCode":0/);
        expect(output).toMatch(/^GREETING=again$/m);
        expect(output).toMatch(/failed · exit code 3/);
        expect(output).toContain("the CLI exited 3");
        expect(output).toMatch(/^[0-9a-f-]{36} +failed +3 /m);
        const log = await readFile(join(dir, "demo.log"), "utf8");
        expect(log).toContain("npm start: local demo (ARM emulator and Azurite, no Azure needed), because AZURE_SUBSCRIPTION_ID is not set");
        expect(log).toContain(`"port":${port}`);
        expect(log).toContain(`"url":"http://127.0.0.1:${port}/","msg":"the page: open it in a browser"`);
        // The tour's last line stops the demo: it shuts down and lets go of the port.
        await eventually(() => listening(port), (open) => !open, 30_000);
        await eventually(() => readFile(join(dir, "demo.log"), "utf8"), (text) => text.includes('"msg":"stopped"'), 30_000);
      } finally {
        endGroups();
      }
    },
    tourTimeoutMs + 10_000,
  );

  it("says which mode npm start chose and why, and ends a bad Azure configuration with its message, not a stack", async () => {
    const { code, output, endGroups } = await runBash("npm start", dir, shellEnv({ AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001" }), 60_000);
    expect(code).not.toBe(0);
    expect(output).toContain("npm start: Azure mode, because AZURE_SUBSCRIPTION_ID is set; for the local demo instead, run `env -u AZURE_SUBSCRIPTION_ID npm start`");
    expect(output).toContain('"level":"error","msg":"Invalid configuration: ACI_RESOURCE_GROUP is required');
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain("ConfigError");
    endGroups();
  });
});
