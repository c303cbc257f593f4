import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const launcher = join(import.meta.dirname, "../../launcher/launch");

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The launcher under the real /bin/sh, its config-map root in `root`. */
function launch(root: string, command: string[], env: Record<string, string> = {}) {
  const child = spawn("/bin/sh", [launcher, ...command], {
    env: { PATH: process.env["PATH"] ?? "", TRIGGER_CONFIG_MAP_ROOT: root, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return { child, exited };
}

// The job prints each named variable as JSON, so values with newlines and quotes compare exactly.
const printEnv = (...names: string[]) => ["node", "-e", `process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n] ?? null]))))`];

describe("launcher/launch under /bin/sh", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "config map root "));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** Writes a container's map as ACI does, the run id last, so the launcher sees the map whole. */
  async function writeMap(container: string, pairs: Record<string, string>): Promise<void> {
    const staging = join(root, `.${container}`);
    await mkdir(staging, { recursive: true });
    for (const [name, value] of Object.entries(pairs)) await writeFile(join(staging, name), value);
    await rename(staging, join(root, container));
  }

  it("exports every value exactly as written, evaluating none of it", async () => {
    const marker = join(root, "evaluated");
    const pairs = {
      SPACES: "  two  spaces  ",
      QUOTES: `it's "quoted" \\ and 'single'`,
      LINES: "first\nsecond\n\n",
      DOLLAR: `$(touch ${marker}) \`touch ${marker}\` $HOME`,
      DASH: "-n",
      EMPTY: "",
      TRIGGER_RUN_ID: "0193a5c0-0000-7000-8000-000000000001",
      TRIGGER_ATTEMPT: "2",
    };
    await writeMap("job", pairs);
    const { code, stdout } = await launch(root, printEnv(...Object.keys(pairs))).exited;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toStrictEqual(pairs);
    await expect(readFile(marker)).rejects.toThrow();
  });

  it("waits for the run's map to appear, then execs the job with its arguments intact and its exit code", async () => {
    // The profile's own (empty) map is there before the claim; the run's arrives with TRIGGER_RUN_ID.
    await mkdir(join(root, "job"));
    const started = launch(root, ["sh", "-c", 'printf "%s|%s|%s" "$1" "$GREETING" "$TRIGGER_RUN_ID"; exit 7', "job", "an argument with spaces"]);
    await rm(join(root, "job"), { recursive: true });
    await writeMap("job", { GREETING: "hello world", TRIGGER_RUN_ID: "run-1" });
    const { code, stdout } = await started.exited;
    expect(code).toBe(7);
    expect(stdout).toBe("an argument with spaces|hello world|run-1");
  });

  it("skips a file whose name is no env var name, saying so without its content", async () => {
    await writeMap("job", { "NOT A NAME": "secret-ish", "1ST": "x", OK: "yes", TRIGGER_RUN_ID: "run-2" });
    const { code, stdout, stderr } = await launch(root, printEnv("OK", "NOT A NAME", "1ST")).exited;
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toStrictEqual({ OK: "yes", "NOT A NAME": null, "1ST": null });
    expect(stderr).toContain("skipped config map key");
    expect(stderr).not.toContain("secret-ish");
  });

  it("gives up after its bound when no run's map comes, without running the job", async () => {
    await mkdir(join(root, "job"));
    const { code, stdout, stderr } = await launch(root, ["sh", "-c", "echo ran"], { TRIGGER_LAUNCH_WAIT_SECONDS: "0" }).exited;
    expect(code).toBe(75);
    expect(stdout).toBe("");
    expect(stderr).toContain("no run's config map");
  });

  it("refuses to start without a job command", async () => {
    await writeMap("job", { TRIGGER_RUN_ID: "run-3" });
    expect((await launch(root, []).exited).code).toBe(64);
  });
});
