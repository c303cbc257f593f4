import type { CommandContext } from "../context.js";
import { exitCodes } from "../exit-codes.js";
import { watchRun } from "../watch-run.js";

/** The flags of `logs`. */
export interface LogsFlags {
  tail?: number;
  follow?: boolean;
}

/**
 * `logs ID`: the run's output so far; with `--follow`, its output as the service streams it,
 * until the run ends. With `--json`, stdout gets the service's logs answer (read once the run
 * ended when following) and the streamed text goes to stderr.
 */
export async function logsCommand(id: string, flags: LogsFlags, ctx: CommandContext): Promise<number> {
  const api = await ctx.api();
  if (!flags.follow) {
    const logs = await api.logs(id, flags.tail);
    ctx.io.stdout.write(ctx.json ? `${JSON.stringify(logs)}\n` : logs.content);
    return exitCodes.ok;
  }
  const text = ctx.json ? ctx.io.stderr : ctx.io.stdout;
  const follow = flags.tail === undefined ? {} : { tail: flags.tail };
  for await (const event of watchRun(api, await api.get(id), { pollMs: ctx.pollMs, follow, sleep: ctx.sleep, now: ctx.now })) {
    if (event.kind === "logs") text.write(event.text);
    else if (event.kind === "ended" && ctx.json) ctx.io.stdout.write(`${JSON.stringify(await api.logs(id))}\n`);
  }
  return exitCodes.ok;
}
