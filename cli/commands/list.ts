import type { ListQuery } from "../api-client.js";
import type { CommandContext } from "../context.js";
import { exitCodes } from "../exit-codes.js";
import { runTable } from "../run-text.js";
import { colorsFor } from "../terminal.js";

/** `list`: one page of runs, newest first, as a table (or the service's JSON), and how to get the next. */
export async function listCommand(query: ListQuery, ctx: CommandContext): Promise<number> {
  const page = await (await ctx.api()).list(query);
  if (ctx.json) {
    ctx.io.stdout.write(`${JSON.stringify(page)}\n`);
    return exitCodes.ok;
  }
  ctx.io.stdout.write(page.runs.length === 0 ? "No runs.\n" : runTable(page.runs, colorsFor(ctx.io.stdout, ctx.io.env)));
  if (page.nextCursor) ctx.io.stderr.write(`More runs: aci-trigger list --cursor ${page.nextCursor}\n`);
  return exitCodes.ok;
}
