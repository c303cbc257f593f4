import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

export interface BuiltBundle {
  path: string;
  /** The one file the runtime image ships and node loads. */
  bytes: number;
  /** The licence texts esbuild writes next to it (shipped, never loaded). */
  legalBytes: number;
}

/**
 * Builds the production bundle with the real build script into `dir`, from scratch: that of the
 * checkout at `source` (this one by default), as `name`.
 */
export async function buildBundle(dir: string, source = ".", name = "server.mjs"): Promise<BuiltBundle> {
  const path = join(dir, name);
  await promisify(execFile)(process.execPath, ["scripts/build.ts", `--outfile=${path}`], { cwd: source });
  const legal = await stat(`${path}.LEGAL.txt`).catch(() => undefined);
  return { path, bytes: (await stat(path)).size, legalBytes: legal?.size ?? 0 };
}
