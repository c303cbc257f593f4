import { CommanderError } from "commander";
import { runsApi, type RunsApi } from "./api-client.js";
import { CliError, UsageError } from "./cli-error.js";
import { resolveConnection, type StackReader } from "./connection.js";
import type { CommandContext } from "./context.js";
import { parseDuration } from "./duration.js";
import { envNames } from "./env-names.js";
import { exitCodes } from "./exit-codes.js";
import { buildProgram } from "./program.js";
import { keysInArgv, redactor } from "./redact.js";
import type { Io } from "./terminal.js";

/** Everything `aci-trigger` touches outside itself, so tests can run it in-process too. */
export interface CliDeps {
  io: Io;
  readStack: StackReader;
  readFile(path: string): Promise<string>;
  onInterrupt: CommandContext["onInterrupt"];
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultPollMs = 2000;

function pollInterval(env: Io["env"]): number {
  const text = env[envNames.pollInterval];
  if (text === undefined || text === "") return defaultPollMs;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${envNames.pollInterval} must be a duration such as 2s or 250ms.`);
  return ms;
}

/**
 * Runs `aci-trigger` with `argv` (the words after the program's name) and resolves to its exit
 * code. Every line it writes to stderr passes through a redactor that knows the key (from
 * `--key`, `TRIGGER_KEY` and the stack), so no error, however it came about, can print it.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  const secrets = redactor([...keysInArgv(argv), io.env[envNames.key]]);
  const writeErr = (text: string) => void io.stderr.write(secrets.redact(text));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  try {
    const pollMs = pollInterval(io.env);
    const { program, exitCode } = buildProgram({
      readFile: deps.readFile,
      writeOut: (text) => void io.stdout.write(text),
      writeErr,
      context: (flags) => {
        let api: Promise<RunsApi> | undefined;
        return {
          io,
          json: flags.json === true,
          pollMs,
          sleep,
          now,
          onInterrupt: deps.onInterrupt,
          api: () =>
            (api ??= resolveConnection(flags, io.env, deps.readStack).then((connection) => {
              if (connection.key !== undefined) secrets.add(connection.key);
              return runsApi(connection);
            })),
        };
      },
    });
    await program.parseAsync([...argv], { from: "user" });
    return exitCode();
  } catch (error) {
    // commander has already printed its message (and the hint to --help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    if (error instanceof CliError) {
      writeErr(`aci-trigger: ${error.message}\n`);
      return error.exitCode;
    }
    writeErr(`aci-trigger: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodes.apiError;
  }
}
