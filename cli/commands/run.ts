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
  timeout?: string;
  wait?: boolean;
  follow?: boolean;
}

/**
 * `run`: starts a run; with `--wait`, `--follow` or `--timeout`, watches it to the end and
 * exits with what it came to. Without them, prints the run's id (or its JSON) and exits 0.
 */
export async function runCommand(flags: RunFlags, ctx: CommandContext, readFile: (path: string) => Promise<string>): Promise<number> {
  const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout);
  if (flags.timeout !== undefined && timeoutMs === undefined) throw new UsageError(`--timeout must be a duration such as 90s, 10m or 2h, not '${flags.timeout}'.`);
  let envFile: string | undefined;
  if (flags.envFile !== undefined) {
    try {
      envFile = await readFile(flags.envFile);
    } catch (error) {
      throw new UsageError(`--env-file ${flags.envFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
    }
  }
  const request = runRequest({ env: flags.env ?? [], ...(envFile === undefined ? {} : { envFile }), ...(flags.command === undefined ? {} : { command: flags.command }), args: flags.arg ?? [] }, ctx.io.env);
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
      if (event.kind === "timed-out") return exitCodes.timedOut;
    }
    return exitCodes.ok;
  } finally {
    view.close();
    stopListening();
  }
}
