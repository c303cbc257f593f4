import type { CommandContext } from "../context.js";
import { exitCodes } from "../exit-codes.js";
import { describeRun } from "../run-text.js";
import { colorsFor } from "../terminal.js";

/** `cancel ID`: stops the run if it is still active; one that already ended is the service's `RunNotActive`. */
export async function cancelCommand(id: string, ctx: CommandContext): Promise<number> {
  const run = await (await ctx.api()).cancel(id);
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(run)}\n` : `${describeRun(run, colorsFor(ctx.io.stdout, ctx.io.env))}\n`);
  return exitCodes.ok;
}
