import type { CommandContext } from "../context.js";
import { exitCodes } from "../exit-codes.js";
import { describeRunFields } from "../run-text.js";
import { colorsFor } from "../terminal.js";

/** `status ID`: the run as the service reads it now. */
export async function statusCommand(id: string, ctx: CommandContext): Promise<number> {
  const run = await (await ctx.api()).get(id);
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(run)}\n` : describeRunFields(run, colorsFor(ctx.io.stdout, ctx.io.env)));
  return exitCodes.ok;
}
