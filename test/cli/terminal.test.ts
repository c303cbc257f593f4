import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, cliHome, type CliHome } from "../helpers/cli-process.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { ansiPattern, runOnPty } from "../helpers/pty.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "cli-terminal-key-0123456789";
const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const eraseLine = "\x1b[2K";
const showCursor = "\x1b[?25h";

describe("aci-trigger on a terminal", () => {
  let trigger: Trigger;
  let service: ServiceProcess;
  let runs: RunsClient;
  let home: CliHome;
  const printed: string[] = [];

  const onPty = async (args: string[], columns = 120, extra: Record<string, string> = {}) => {
    const env = cliEnv({ TERM: "xterm-256color", TRIGGER_URL: service.url, TRIGGER_KEY: apiKey, ...extra });
    const result = await runOnPty([process.execPath, home.entry, ...args], env, columns);
    printed.push(result.stdout, result.stderr);
    return result;
  };
  const lastFrameAt = (raw: string) => Math.max(...frames.map((frame) => raw.lastIndexOf(frame)));

  beforeAll(async () => {
    trigger = await startTrigger({ apiKey });
    [service] = trigger.services as [ServiceProcess];
    runs = runsClient(service.url, apiKey);
    home = await cliHome();
  });

  afterAll(async () => {
    await home?.close();
    await trigger?.close();
  });

  it("run --wait draws a spinner with the run's status, then clears it for one coloured final line", async () => {
    const result = await onPty(["run", "--wait"]);

    expect(result.code).toBe(0);
    const raw = result.stdout;
    const id = raw.replace(ansiPattern, "").split("\r\n")[0]!;
    expect((await runs.status(id)).body.status).toBe("succeeded");
    expect(raw.replace(ansiPattern, "")).toMatch(new RegExp(`[${frames.join("")}] run ${id} (queued|starting|running) · \\d+s`));

    const lastFrame = lastFrameAt(raw);
    const cleared = raw.indexOf(eraseLine, lastFrame);
    expect(lastFrame).toBeGreaterThan(0);
    expect(cleared).toBeGreaterThan(lastFrame);
    const after = raw.slice(cleared);
    expect(after.replace(ansiPattern, "").trim()).toMatch(new RegExp(`^✔ run ${id} succeeded · exit code 0 · \\d+s$`));
    expect(after).toContain("\x1b[32msucceeded\x1b[39m");
    expect(raw.trimEnd().endsWith(showCursor)).toBe(true);
  });

  it("run --follow prints each of the job's lines whole and in order between redraws of the spinner", async () => {
    const result = await onPty(["run", "--env", "EMULATOR_RUN_MS=1500", "--env", "EMULATOR_EXIT_CODE=6", "--follow"]);

    expect(result.code).toBe(6);
    const raw = result.stdout;
    const id = /run (\S+) /.exec(raw.replace(ansiPattern, ""))![1]!;
    const jobLines = (await runs.logs(id)).body.content!.split("\n").filter((line) => line !== "");
    expect(jobLines.at(-1)).toBe("exit code 6");
    let from = 0;
    for (const line of jobLines) {
      const at = raw.indexOf(`${line}\r\n`, from);
      expect({ line, found: at >= 0 }).toEqual({ line, found: true });
      from = at + line.length;
    }
    const cleared = raw.indexOf(eraseLine, lastFrameAt(raw));
    expect(raw.slice(cleared).replace(ansiPattern, "").trim()).toMatch(new RegExp(`^✖ run ${id} failed · exit code 6 · (.+ · )?\\d+s$`));
    expect(raw.trimEnd().endsWith(showCursor)).toBe(true);
  });

  it("prints plain status lines, without a spinner, on a terminal that reports no width", async () => {
    const result = await onPty(["run", "--wait"], 0);

    expect(result.code).toBe(0);
    expect(lastFrameAt(result.stdout)).toBe(-1);
    expect(result.stdout.replace(ansiPattern, "")).toMatch(/^run \S+ succeeded · exit code 0 · \d+s\r$/m);
  });

  it("uses no colour on a terminal when NO_COLOR is set", async () => {
    const result = await onPty(["run", "--wait"], 120, { NO_COLOR: "1" });

    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/\x1b\[3\dm/);
  });

  it("never printed the key on the terminal", () => {
    expect(printedSecrets(printed.join("\n"), { apiKey })).toEqual([]);
  });
});
