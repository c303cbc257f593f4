import { Command, InvalidArgumentError, Option } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { cancelCommand } from "./commands/cancel.js";
import { listCommand } from "./commands/list.js";
import { logsCommand } from "./commands/logs.js";
import { runCommand, type RunFlags } from "./commands/run.js";
import { statusCommand } from "./commands/status.js";
import type { ConnectionFlags } from "./connection.js";
import type { CommandContext } from "./context.js";
import { envNames } from "./env-names.js";
import { exitCodes } from "./exit-codes.js";

/** The global flags, read by every command. */
export interface GlobalFlags extends ConnectionFlags {
  json?: boolean;
}

/** What the program needs from its entry point: a context per command, made from the global flags. */
export interface ProgramDeps {
  context(flags: GlobalFlags): CommandContext;
  readFile(path: string): Promise<string>;
  /** Where commander writes help and its own errors. */
  writeOut(text: string): void;
  writeErr(text: string): void;
}

// No default: commander would print `(default: [])` in the help.
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("must be a positive whole number.");
  return Number(value);
}

function retryCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 10) throw new InvalidArgumentError("must be a whole number from 0 to 10.");
  return Number(value);
}

const exitCodeHelp = `
Exit codes:
  0        the command succeeded; with --wait, the run succeeded
  N        with --wait, the run failed with exit code N
  1        with --wait, the run failed without an exit code (e.g. its image could not be pulled)
  2        usage error, or no service configured
  ${exitCodes.canceled}      with --wait, the run was canceled
  ${exitCodes.lost}      with --wait, the service lost the run
  ${exitCodes.timedOut}      with --wait, the service stopped the run at its --run-timeout (timed_out);
           or --wait-timeout ran out while the run was active (the run goes on)
  ${exitCodes.apiError}      the service refused the call (its error code is printed) or could not be reached
  ${exitCodes.interrupted}      interrupted while waiting (the run goes on)`;

const connectionHelp = `
Connection: --url and --key, else the outputs 'url' and 'apiKey' of --stack NAME
(read with \`pulumi stack output --json --show-secrets\`), else ${envNames.url} and ${envNames.key}.
Without a key, requests carry no credential (the local demo, \`npm start\`, needs none).
Prefer ${envNames.key} or --stack to --key: other users of this machine can see command lines.`;

/**
 * The `aci-trigger` program: commands, flags and help, each command handing its flags to the
 * function that does it. `exitCode()` reads what the last command returned.
 */
export function buildProgram(deps: ProgramDeps): { program: Command; exitCode(): number } {
  let code: number = exitCodes.ok;
  const program = new Command("aci-trigger")
    .description("Start, follow and stop runs of an Azure Container Instances job through its HTTP trigger.")
    .version(packageJson.version, "-V, --version", "print the client's version")
    .addOption(new Option("--url <url>", `the trigger service's base URL (default: $${envNames.url})`))
    .addOption(new Option("--key <key>", `an API key of the service (default: $${envNames.key}; visible in ps, prefer the variable)`))
    .addOption(new Option("--stack <name>", "read url and apiKey from this Pulumi stack's outputs"))
    .option("--json", "print the service's JSON answers, one object a line")
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: deps.writeOut, writeErr: deps.writeErr })
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .addHelpText("after", `${connectionHelp}\n${exitCodeHelp}`);

  const context = (command: Command) => deps.context(command.optsWithGlobals<GlobalFlags>());
  const examples = (command: Command, lines: string) => command.addHelpText("after", `\nExamples:\n${lines}`);

  examples(
    program
      .command("run")
      .description("start a run of the job; with --wait or --follow, watch it to its end and exit with its exit code")
      .option("-e, --env <NAME=VALUE>", "set a variable for this run (NAME alone passes this shell's value); repeatable", collect)
      .option("--env-file <path>", "read variables from a dotenv file (--env wins over it)")
      .option("--command <json>", `replace the container's command: a JSON array of strings, e.g. '["python","job.py"]'`)
      .option("--arg <word>", "replace the container's command one word at a time; repeatable", collect)
      .option("--idempotency-key <key>", "a repeat with the same key and body returns the same run instead of starting another")
      .option("-w, --wait", "wait for the run to end; exit with its exit code")
      .option("-f, --follow", "print the run's output while it runs, then as --wait")
      .option("--run-timeout <duration>", "the service stops the run once it ran this long (90s, 10m, 2h; whole seconds) and it ends timed_out")
      .option("--max-retries <n>", "the service runs a failed attempt again, up to n times (0 to 10)", retryCount)
      .option("--retry-on-timeout", "retry an attempt stopped at --run-timeout too")
      .option("--webhook-url <url>", "the service also sends this run's events (signed) to this URL, on an origin it allows")
      .option("--wait-timeout <duration>", "stop this client's wait after this long (implies --wait); the run goes on")
      .addOption(new Option("--timeout <duration>").hideHelp())
      .action(async (flags: RunFlags, command: Command) => {
        code = await runCommand(flags, context(command), deps.readFile);
      }),
    `  $ aci-trigger run --env INPUT=a.csv --wait
  $ aci-trigger run --env-file job.env --follow --wait-timeout 30m
  $ aci-trigger run --run-timeout 1h --max-retries 3 --wait
  $ aci-trigger run --arg python --arg job.py --idempotency-key nightly-2024-02-01
  $ id=$(aci-trigger run --env INPUT=b.csv) && aci-trigger logs "$id" --follow`,
  );

  examples(
    program
      .command("list")
      .description("list runs, newest first")
      .option("--status <status>", "only runs in this status (queued, running, succeeded, failed, …)")
      .option("--limit <n>", "at most this many runs", positiveInteger)
      .option("--cursor <cursor>", "the page after the one that printed this cursor")
      .action(async (flags: { status?: string; limit?: number; cursor?: string }, command: Command) => {
        code = await listCommand(flags, context(command));
      }),
    `  $ aci-trigger list
  $ aci-trigger list --status failed --limit 5
  $ aci-trigger list --json | jq -r '.runs[].id'`,
  );

  examples(
    program
      .command("status")
      .description("show a run's status")
      .argument("<id>", "the run's id")
      .action(async (id: string, _flags: object, command: Command) => {
        code = await statusCommand(id, context(command));
      }),
    `  $ aci-trigger status 1b4e28ba-2fa1-11d2-883f-0016d3cca427
  $ aci-trigger status "$id" --json | jq -r .status`,
  );

  examples(
    program
      .command("logs")
      .description("print a run's output")
      .argument("<id>", "the run's id")
      .option("--tail <n>", "only the last N lines", positiveInteger)
      .option("-f, --follow", "keep printing new output until the run ends")
      .action(async (id: string, flags: { tail?: number; follow?: boolean }, command: Command) => {
        code = await logsCommand(id, flags, context(command));
      }),
    `  $ aci-trigger logs "$id"
  $ aci-trigger logs "$id" --tail 100 --follow`,
  );

  examples(
    program
      .command("cancel")
      .description("stop a run that is still active")
      .argument("<id>", "the run's id")
      .action(async (id: string, _flags: object, command: Command) => {
        code = await cancelCommand(id, context(command));
      }),
    `  $ aci-trigger cancel "$id"`,
  );

  return { program, exitCode: () => code };
}
