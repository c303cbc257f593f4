import { parse as parseDotenv } from "dotenv";
import type { RunRequest } from "./api-client.js";
import { UsageError } from "./cli-error.js";

/** What `run` was given to build its request from. */
export interface RunInput {
  /** `--env` entries: `NAME=VALUE`, or `NAME` alone to pass the caller's own value on. */
  env: readonly string[];
  /** The text of `--env-file` (dotenv format), when given. */
  envFile?: string;
  /** `--command`: a JSON array of strings. */
  command?: string;
  /** `--arg` entries, in order: the command one word at a time. */
  args: readonly string[];
}

function envEntry(entry: string, callerEnv: Record<string, string | undefined>): [string, string] {
  const eq = entry.indexOf("=");
  const name = eq < 0 ? entry : entry.slice(0, eq);
  if (name === "") throw new UsageError(`--env needs NAME=VALUE or NAME, not '${eq < 0 ? entry : "=…"}'.`);
  if (eq >= 0) return [name, entry.slice(eq + 1)];
  const value = callerEnv[name];
  if (value === undefined) throw new UsageError(`--env ${name}: ${name} is not set in this shell (give NAME=VALUE to set it).`);
  return [name, value];
}

function command(input: RunInput): string[] | undefined {
  if (input.command !== undefined && input.args.length > 0) throw new UsageError("Give the command either as --command JSON or as --arg words, not both.");
  if (input.args.length > 0) return [...input.args];
  if (input.command === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.command);
  } catch {
    throw new UsageError(`--command must be a JSON array of strings, such as '["python","job.py"]'.`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((word) => typeof word === "string")) {
    throw new UsageError(`--command must be a non-empty JSON array of strings, such as '["python","job.py"]'.`);
  }
  return parsed;
}

/**
 * The body of `POST /runs`: the env file's variables, then the `--env` entries over them, and
 * the command when one was given. Names and values are checked by the service, whose rules
 * (allowed names, limits) the client does not copy.
 */
export function runRequest(input: RunInput, callerEnv: Record<string, string | undefined>): RunRequest {
  const env: Record<string, string> = input.envFile === undefined ? {} : { ...parseDotenv(input.envFile) };
  for (const entry of input.env) {
    const [name, value] = envEntry(entry, callerEnv);
    env[name] = value;
  }
  const words = command(input);
  return { env, ...(words === undefined ? {} : { command: words }) };
}
