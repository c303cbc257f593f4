import type { RunRequest } from "../api-client.js";
import { UsageError } from "../cli-error.js";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../duration.js";
import { exitCodes } from "../exit-codes.js";
import { runRequest } from "../run-input.js";
import { exitCodeOf } from "../run-outcome.js";
import { watchRun } from "../watch-run.js";
import { viewMode, watchView } from "../watch-view.js";

/** The flags of `run`. */
export interface RunFlags {
  env?: string[];
  envFile?: string;
  command?: string;
  arg?: string[];
  idempotencyKey?: string;
  /** refused: it was the wait's bound, and reads too much like the run's own */
  timeout?: string;
  waitTimeout?: string;
  runTimeout?: string;
  maxRetries?: number;
  retryOnTimeout?: boolean;
  webhookUrl?: string;
  wait?: boolean;
  follow?: boolean;
}

/** A flag's duration in ms, or a usage error naming the flag. */
function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`${name} must be a duration such as 90s, 10m or 2h, not '${value}'.`);
  return ms;
}

/** The service-side limits of the run the flags ask for. */
function runLimits(flags: RunFlags): Pick<RunRequest, "timeoutSeconds" | "maxRetries" | "retryOnTimeout"> {
  const runTimeoutMs = durationFlag("--run-timeout", flags.runTimeout);
  if (runTimeoutMs !== undefined && runTimeoutMs % 1000 !== 0) throw new UsageError(`--run-timeout must be whole seconds, not '${flags.runTimeout}'.`);
  return {
    ...(runTimeoutMs === undefined ? {} : { timeoutSeconds: runTimeoutMs / 1000 }),
    ...(flags.maxRetries === undefined ? {} : { maxRetries: flags.maxRetries }),
    ...(flags.retryOnTimeout ? { retryOnTimeout: true } : {}),
  };
}

/**
 * `run`: starts a run; with `--wait`, `--follow` or `--wait-timeout`, watches it to the end and
 * exits with what it came to. Without them, prints the run's id (or its JSON) and exits 0.
 * `--run-timeout` is the service's limit on the run itself; `--wait-timeout` only this client's wait.
 */
export async function runCommand(flags: RunFlags, ctx: CommandContext, readFile: (path: string) => Promise<string>): Promise<number> {
  if (flags.timeout !== undefined) {
    throw new UsageError("--timeout is ambiguous: use --run-timeout to have the service stop the run after that long, or --wait-timeout to stop only this client's wait.");
  }
  const timeoutMs = durationFlag("--wait-timeout", flags.waitTimeout);
  const limits = runLimits(flags);
  let envFile: string | undefined;
  if (flags.envFile !== undefined) {
    try {
      envFile = await readFile(flags.envFile);
    } catch (error) {
      throw new UsageError(`--env-file ${flags.envFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
    }
  }
  const request = {
    ...runRequest({ env: flags.env ?? [], ...(envFile === undefined ? {} : { envFile }), ...(flags.command === undefined ? {} : { command: flags.command }), args: flags.arg ?? [] }, ctx.io.env),
    ...limits,
    ...(flags.webhookUrl === undefined ? {} : { webhookUrl: flags.webhookUrl }),
  };
  const wait = flags.wait === true || flags.follow === true || timeoutMs !== undefined;
  const api = await ctx.api();
  const mode = viewMode(ctx.io, ctx.json);
  const view = watchView(mode, ctx.io, ctx.now);

  const run = await api.start(request, flags.idempotencyKey);
  if (!ctx.json && !flags.follow) ctx.io.stdout.write(`${run.id}\n`);
  if (!wait) {
    if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(run)}\n`);
    return exitCodes.ok;
  }

  const stopListening = ctx.onInterrupt(() => {
    view.close();
    ctx.io.stderr.write(`\nStopped waiting; run ${run.id} goes on: stop it with \`aci-trigger cancel ${run.id}\`\n`);
  });
  try {
    view.begin(run);
    const events = watchRun(api, run, {
      pollMs: ctx.pollMs,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(flags.follow ? { follow: {} } : {}),
      sleep: ctx.sleep,
      now: ctx.now,
    });
    for await (const event of events) {
      view.show(event);
      if (event.kind === "ended") return exitCodeOf(event.run);
      if (event.kind === "wait-expired") return exitCodes.timedOut;
    }
    return exitCodes.ok;
  } finally {
    view.close();
    stopListening();
  }
}
