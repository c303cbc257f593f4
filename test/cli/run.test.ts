import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { cliEnv, cliHome, runCliProcess, spawnCli, type CliHome, type CliResult } from "../helpers/cli-process.js";
import { printedSecrets } from "../helpers/printed-secrets.js";
import { runsClient, type RunsClient } from "../helpers/runs-client.js";
import type { ServiceProcess } from "../helpers/service-process.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "cli-run-key-0123456789";
const ended = ["succeeded", "failed", "canceled"];

describe("aci-trigger against the service bundle and the emulator, on pipes", () => {
  let trigger: Trigger;
  let emulator: Emulator;
  let service: ServiceProcess;
  let impatient: ServiceProcess;
  let runs: RunsClient;
  let home: CliHome;
  const outputs: CliResult[] = [];

  const env = (extra: Record<string, string> = {}) => cliEnv({ TRIGGER_URL: service.url, TRIGGER_KEY: apiKey, ...extra });
  const cli = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await runCliProcess(home, args, env(extra));
    outputs.push(result);
    return result;
  };
  const lines = (text: string) => text.split("\n").filter((line) => line !== "");
  /**
   * Cancels an active run through the API. A cancel that races with the service's own
   * observation of the stop (a status read of the client polling meanwhile) may be answered
   * 409 RunNotActive naming status canceled; either way the run must end canceled.
   */
  const cancelRun = async (id: string) => {
    const answer = await runs.cancel(id);
    expect(answer.status === 200 ? answer.body : answer.body.error).toMatchObject(answer.status === 200 ? { id, status: "canceled" } : { code: "RunNotActive", status: "canceled" });
    expect((await runs.status(id)).body.status).toBe("canceled");
  };

  beforeAll(async () => {
    // The impatient service's budget is shorter than the 5 s Retry-After below, and long enough for
    // any read on a loaded machine.
    // A short retry backoff, so a retried run ends soon.
    const backoff = { TRIGGER_RETRY_BACKOFF_SECONDS: "0.2" };
    trigger = await startTrigger({ apiKey, services: [backoff, { ...backoff, TRIGGER_ARM_RETRY_TIMEOUT_MS: "4000" }] });
    ({ emulator } = trigger);
    [service, impatient] = trigger.services as [ServiceProcess, ServiceProcess];
    runs = runsClient(service.url, apiKey);
    home = await cliHome();
  });

  afterAll(async () => {
    await home?.close();
    await trigger?.close();
  });

  it("run --wait exits 0 when the job exits 0, with the run's id on stdout and its end on stderr", async () => {
    const result = await cli(["run", "--env", "INPUT=a.csv", "--wait"]);

    expect(result.code).toBe(0);
    const [id] = lines(result.stdout) as [string];
    expect(lines(result.stdout)).toEqual([id]);
    expect((await runs.status(id)).body).toMatchObject({ id, status: "succeeded", exitCode: 0 });
    expect(lines(result.stderr).at(-1)).toMatch(new RegExp(`^run ${id} succeeded · exit code 0 · \\S+$`));
  });

  it("run --wait exits 3 when the job's container exits 3", async () => {
    const result = await cli(["run", "--env", "EMULATOR_EXIT_CODE=3", "--wait"]);

    expect(result.code).toBe(3);
    const id = result.stdout.trim();
    expect((await runs.status(id)).body).toMatchObject({ id, status: "failed", exitCode: 3 });
    expect(result.stderr).toContain(`run ${id} failed · exit code 3`);
  });

  it("run --follow prints the job's lines in order, ending with its exit code, and exits with it", async () => {
    const result = await cli(["run", "--env", "GREETING=hello", "--env", "EMULATOR_EXIT_CODE=4", "--follow"]);

    expect(result.code).toBe(4);
    const id = /^run (\S+) /.exec(result.stderr)![1]!;
    const printed = lines(result.stdout);
    expect(printed[0]).toBe("run started");
    expect(printed[1]).toBe("command: node job.js");
    expect(printed).toContain("GREETING=hello");
    expect(printed.at(-1)).toBe("exit code 4");
    expect(result.stdout).toBe((await runs.logs(id)).body.content);
  });

  it("run --follow streams the lines while the run is still running and ends when the run ends", async () => {
    const follow = spawnCli(home, ["run", "--env", "EMULATOR_RUN_MS=600000", "--follow"], env());
    await follow.waitForOutput(({ stdout }) => stdout.includes("EMULATOR_RUN_MS=600000\n"));
    const id = /^run (\S+) /.exec(follow.stderr())![1]!;
    // The copy may read a line the moment the container runs, before an observation records it running.
    expect((await runs.waitFor(id, ["running"])).body.status).toBe("running");
    expect(lines(follow.stdout())[0]).toBe("run started");

    await cancelRun(id);
    const result = await follow.done;
    outputs.push(result);

    expect(result.code).toBe(121);
    expect(result.stdout).toBe((await runs.logs(id)).body.content);
    expect(result.stderr).toContain(`run ${id} canceled`);
  });

  it("--json prints the service's answers one object a line, the last one the run as the service reads it after", async () => {
    const result = await cli(["run", "--env", "INPUT=b.csv", "--wait", "--json"]);

    expect(result.code).toBe(0);
    const answers = lines(result.stdout).map((line) => JSON.parse(line) as { id: string; status: string });
    const id = answers[0]!.id;
    expect(answers.every((answer) => answer.id === id)).toBe(true);
    expect(["queued", "starting"]).toContain(answers[0]!.status);
    // The run's `log` (its archive's state) is recorded once the last copy is in, which may be after the wait saw the end.
    expect({ ...answers.at(-1), log: undefined }).toEqual({ ...(await runs.status(id)).body, log: undefined });
    expect(answers.at(-1)!.status).toBe("succeeded");
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status, i) => status === statuses[i - 1])).toEqual([]);

    const status = await cli(["status", id, "--json"]);
    expect(lines(status.stdout).map((line) => JSON.parse(line))).toEqual([(await runs.status(id)).body]);
    const logs = await cli(["--json", "logs", id]);
    expect(lines(logs.stdout).map((line) => JSON.parse(line))).toEqual([(await runs.logs(id)).body]);
  });

  it("run --follow --json keeps stdout to JSON lines and sends the job's output to stderr", async () => {
    const result = await cli(["run", "--follow", "--json"]);

    expect(result.code).toBe(0);
    const answers = lines(result.stdout).map((line) => JSON.parse(line) as { id: string; status: string });
    expect(answers.at(-1)).toEqual((await runs.status(answers[0]!.id)).body);
    expect(result.stderr).toBe((await runs.logs(answers[0]!.id)).body.content);
  });

  it("Ctrl-C while waiting exits 130 and says how to stop the run, which goes on", async () => {
    const waiting = spawnCli(home, ["run", "--env", "EMULATOR_RUN_MS=600000", "--wait"], env());
    await waiting.waitForOutput(({ stderr }) => / running$/m.test(stderr));
    const id = waiting.stdout().trim();

    waiting.signal("SIGINT");
    const result = await waiting.done;
    outputs.push(result);

    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`run ${id} goes on: stop it with \`aci-trigger cancel ${id}\``);
    expect((await runs.status(id)).body.status).toBe("running");
    await cancelRun(id);
  });

  it("status and logs print the run for a person: its fields, and the job's output as it is", async () => {
    const id = (await cli(["run", "--env", "EMULATOR_EXIT_CODE=5", "--wait"])).stdout.trim();

    const status = await cli(["status", id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^id +${id}\nstatus +failed\nexit code +5\n`));
    expect(status.stdout).toMatch(/\nimage +registry\.example\/job:1\n/);

    const logs = await cli(["logs", id]);
    expect(logs.stdout).toBe((await runs.logs(id)).body.content);
    const tail = await cli(["logs", id, "--tail", "1"]);
    expect(tail.stdout).toBe("exit code 5\n");
    const followEnded = await cli(["logs", id, "--follow", "--tail", "2"]);
    expect(followEnded).toMatchObject({ code: 0, stdout: lines(logs.stdout).slice(-2).join("\n") + "\n" });
  });

  it("--max-retries and --run-timeout are the service's limits: status shows the attempts, and a run stopped at its limit exits 124", async () => {
    const retried = await cli(["run", "--env", "EMULATOR_EXIT_CODES=1,0", "--max-retries", "1", "--wait"]);
    expect(retried.code).toBe(0);
    const [id] = lines(retried.stdout) as [string];
    const status = await cli(["status", id]);
    expect(status.stdout).toMatch(/\nattempt +2 of 2\n/);
    expect(status.stdout).toMatch(/\nattempts\n {2}#1 failed · exit code 1 · /);
    expect(status.stdout).toMatch(/\n {2}#2 succeeded · exit code 0 · /);

    const stopped = await cli(["run", "--env", "EMULATOR_RUN_MS=600000", "--run-timeout", "1s", "--wait"]);
    expect(stopped.code).toBe(124);
    expect(stopped.stderr).toContain("timed_out");
    expect((await runs.status(lines(stopped.stdout)[0]!)).body.status).toBe("timed_out");
  });

  it("--webhook-url goes with the start: an origin the service does not allow is refused, and no run is started", async () => {
    const refused = await cli(["run", "--webhook-url", "https://hooks.example.test/runs", "--wait"]);
    expect(refused.code).toBe(125);
    expect(refused.stderr).toContain("WebhookUrlNotAllowed");
    expect(refused.stdout).toBe("");
  });

  it("--wait-timeout stops waiting with exit 124 and leaves the run going; cancel stops a run, and a second cancel names RunNotActive", async () => {
    const result = await cli(["run", "--env", "EMULATOR_RUN_MS=600000", "--wait-timeout", "1s"]);

    expect(result.code).toBe(124);
    const id = result.stdout.trim();
    expect(result.stderr).toContain(`aci-trigger cancel ${id}`);
    expect(["starting", "running"]).toContain((await runs.status(id)).body.status);

    // The next run waits in the queue behind it: canceling it involves no container group.
    const queued = (await cli(["run"])).stdout.trim();
    expect((await runs.status(queued)).body.status).toBe("queued");
    const cancel = await cli(["cancel", queued]);
    expect(cancel).toMatchObject({ code: 0, stderr: "" });
    expect(cancel.stdout).toMatch(new RegExp(`^run ${queued} canceled`));
    expect((await runs.status(queued)).body.status).toBe("canceled");

    const again = await cli(["cancel", queued]);
    expect(again.code).toBe(125);
    expect(lines(again.stderr)).toEqual([expect.stringMatching(/^aci-trigger: RunNotActive: /)]);
    await cancelRun(id);
  });

  it("a run canceled while run --wait waits exits 121, and the waiting process shows no key on its command line", async () => {
    const waiting = spawnCli(home, ["run", "--env", "EMULATOR_RUN_MS=600000", "--wait", "--url", service.url, "--key", apiKey], cliEnv());
    await waiting.waitForOutput(({ stderr }) => / running$/m.test(stderr));
    const cmdline = (await readFile(`/proc/${waiting.pid}/cmdline`, "utf8")).replaceAll("\0", " ").trim();
    expect(cmdline).toBe("aci-trigger");
    const id = waiting.stdout().trim();

    await cancelRun(id);
    const result = await waiting.done;
    outputs.push(result);

    expect(result.code).toBe(121);
    expect(result.stderr).toContain(`run ${id} canceled`);
  });

  it("names the service's error code and exits 125 when the service refuses", async () => {
    const result = await cli(["status", "no-such-run"]);

    expect(result.code).toBe(125);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^aci-trigger: RunNotFound: /)]);

    const wrongKey = await cli(["status", "no-such-run"], { TRIGGER_KEY: "not-the-key-0123456789" });
    expect(wrongKey.code).toBe(125);
    expect(lines(wrongKey.stderr)).toEqual([expect.stringMatching(/^aci-trigger: Unauthorized: /)]);
  });

  it("retries a start refused with 503 ArmBusy after its Retry-After, and accepts the run", async () => {
    emulator.clearRequests();
    emulator.faults.add({ status: 429, retryAfterSeconds: 5, method: "PUT" });

    const result = await cli(["run", "--wait"], { TRIGGER_URL: impatient.url });

    expect(result.code).toBe(0);
    expect(emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([429, 200]);
    expect((await runs.status(result.stdout.trim())).body.status).toBe("succeeded");
  });

  it("does not wait out a Retry-After beyond its bound: the start goes back to the queue and runs once ARM takes it", async () => {
    emulator.clearRequests();
    emulator.faults.add({ status: 429, retryAfterSeconds: 600, method: "PUT" });

    const result = await cli(["run", "--wait"], { TRIGGER_URL: impatient.url });

    // The throttled replica pauses its dispatch for the Retry-After; the other one, not throttled, starts the run.
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/ArmBusy/);
    const puts = emulator.requests.filter((r) => r.method === "PUT").map((r) => r.status);
    expect(puts).toHaveLength(2);
    expect(puts[0]).toBe(429);
    expect([200, 201]).toContain(puts[1]);
    emulator.faults.clear();
  });

  it("refuses bad usage with exit 2 before calling the service", async () => {
    // A call would fail with 125 Unreachable: this port has no service.
    const nowhere = { TRIGGER_URL: "http://127.0.0.1:9" };
    for (const args of [["run", "--wait-timeout", "soon"], ["run", "--timeout", "1m"], ["run", "--run-timeout", "1.5s"], ["run", "--max-retries", "11"], ["run", "--command", "python job.py"], ["run", "--env", "=x"], ["status"], ["logs", "x", "--tail", "0"], ["frobnicate"]]) {
      const result = await cli(args, nowhere);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(result.stderr).toMatch(/^(aci-trigger: |error: )/);
      if (args[1] === "--timeout") expect(result.stderr).toMatch(/--run-timeout.*--wait-timeout/);
    }
  });

  it("list prints a page of runs newest first as a table, and how to get the next; --json prints the service's page", async () => {
    const page = (await runs.call("GET", "/runs?limit=2")).body as unknown as { runs: Array<{ id: string; status: string }>; nextCursor: string | null };
    expect(page.runs).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));

    const table = await cli(["list", "--limit", "2"]);
    expect(table.code).toBe(0);
    const rows = lines(table.stdout);
    expect(rows[0]).toMatch(/^ID +STATUS +EXIT +CREATED +FINISHED$/);
    expect(rows.slice(1).map((row) => row.split(/ +/).slice(0, 2))).toEqual(page.runs.map((run) => [run.id, run.status]));
    expect(table.stderr).toBe(`More runs: aci-trigger list --cursor ${page.nextCursor}\n`);

    const next = await cli(["list", "--limit", "2", "--cursor", page.nextCursor!, "--json"]);
    expect(lines(next.stdout).map((line) => JSON.parse(line))).toEqual([(await runs.call("GET", `/runs?limit=2&cursor=${page.nextCursor}`)).body]);

    const failed = await cli(["list", "--status", "failed", "--json"]);
    const failedPage = JSON.parse(failed.stdout) as { runs: Array<{ status: string }> };
    expect(failedPage.runs.length).toBeGreaterThan(0);
    expect(failedPage.runs.every((run) => run.status === "failed")).toBe(true);

    const refused = await cli(["list", "--status", "sleeping"]);
    expect(refused.code).toBe(125);
    expect(lines(refused.stderr)).toEqual([expect.stringMatching(/^aci-trigger: InvalidRequest: /)]);
  });

  it("wrote no escape code and never the key in any output of this file", () => {
    expect(outputs.length).toBeGreaterThan(10);
    const all = outputs.map((result) => result.stdout + result.stderr).join("\n");
    expect(all).not.toContain("\x1b");
    expect(printedSecrets(all, { apiKey })).toEqual([]);
  });
});
