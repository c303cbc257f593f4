import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, cliHome, runCliProcess, type CliHome, type CliResult } from "../helpers/cli-process.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "cli-stack-key-0123456789";

/**
 * A stand-in for the Pulumi CLI: records its arguments, and answers `stack output` for the
 * stack `dev` with the outputs the trigger's program exports (or fails as Pulumi does).
 */
function stubPulumi(outputs: Record<string, string>, calls: string): string {
  return `#!/bin/sh
printf '%s\\n' "$*" >> '${calls}'
if [ "$*" = "stack output --json --show-secrets --stack dev" ]; then
  printf '%s\\n' '${JSON.stringify(outputs, null, 2)}'
  exit 0
fi
echo "error: no stack named '$6' found" >&2
exit 255
`;
}

describe("aci-trigger --stack: the connection from a Pulumi stack's outputs", () => {
  let trigger: Trigger;
  let service: ServiceProcess;
  let home: CliHome;
  let bin: string;
  let calls: string;
  let runId: string;
  const outputs: CliResult[] = [];

  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runCliProcess(home, args, cliEnv({ PATH: `${bin}:${process.env["PATH"] ?? ""}`, ...env }));
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey });
    [service] = trigger.services as [ServiceProcess];
    home = await cliHome();
    bin = await mkdtemp(join(tmpdir(), "aci-trigger-pulumi-"));
    calls = join(bin, "calls.txt");
    await writeFile(join(bin, "pulumi"), stubPulumi({ url: service.url, apiKey, resourceGroupName: "rg" }, calls));
    await chmod(join(bin, "pulumi"), 0o755);
    const runs = runsClient(service.url, apiKey);
    runId = (await runs.start({})).body.id!;
    await runs.waitFor(runId, ["succeeded"]);
  });

  afterAll(async () => {
    await home?.close();
    await rm(bin, { recursive: true, force: true });
    await trigger?.close();
  });

  it("reads url and apiKey with `pulumi stack output --json --show-secrets --stack NAME`", async () => {
    await writeFile(calls, "");
    const result = await cli(["--stack", "dev", "status", runId]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^id +${runId}\nstatus +succeeded\n`));
    expect(await readFile(calls, "utf8")).toBe("stack output --json --show-secrets --stack dev\n");
  });

  it("prefers the stack it was told to use to TRIGGER_URL and TRIGGER_KEY, and --url/--key to the stack", async () => {
    const elsewhere = { TRIGGER_URL: "http://127.0.0.1:9", TRIGGER_KEY: "other-key-0123456789" };
    expect((await cli(["status", runId, "--stack", "dev"], elsewhere)).code).toBe(0);

    await writeFile(calls, "");
    const flags = await cli(["status", runId, "--stack", "missing", "--url", service.url, "--key", apiKey]);
    expect(flags.code).toBe(0);
    expect(await readFile(calls, "utf8")).toBe("");
  });

  it("fails in one line with exit 2 naming Pulumi's error when the stack cannot be read", async () => {
    const result = await cli(["--stack", "missing", "status", runId]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("aci-trigger: pulumi stack output --stack missing failed: error: no stack named 'missing' found\n");
  });

  it("fails in one line with exit 2 when pulumi is not on PATH", async () => {
    const result = await runCliProcess(home, ["--stack", "dev", "status", runId], cliEnv({ PATH: dirname(process.execPath) }));

    expect(result).toEqual({ code: 2, stdout: "", stderr: "aci-trigger: --stack needs the Pulumi CLI, and `pulumi` is not on PATH.\n" });
  });

  it("fails in one line with exit 2 when no connection is set at all", async () => {
    const result = await cli(["status", runId]);

    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "aci-trigger: No service URL: set TRIGGER_URL (and TRIGGER_KEY), or pass --stack NAME (or --url and --key).\n",
    });
  });

  it("runs as `npx aci-trigger` in the repository right after npm ci: the package's bin", async () => {
    const child = spawn("npx", ["--no-install", "aci-trigger", "run", "--env", "INPUT=a.csv", "--wait"], {
      env: cliEnv({ TRIGGER_URL: service.url, TRIGGER_KEY: apiKey, npm_config_update_notifier: "false" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    outputs.push({ code, stdout, stderr });

    expect({ code, stderr: stderr.split("\n").at(-2) }).toEqual({ code: 0, stderr: expect.stringMatching(/^run \S+ succeeded · exit code 0/) });
  });

  it("never printed the key it read from the stack", () => {
    expect(printedSecrets(outputs.map((result) => result.stdout + result.stderr).join("\n"), { apiKey })).toEqual([]);
  });
});
