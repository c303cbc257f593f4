import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Builds the production bundle once per test run with the real build script, into a folder of
 * its own, and tells the test files where it is (forked workers inherit the environment).
 */
export default async function buildBundle() {
  const dir = await mkdtemp(join(tmpdir(), "aci-trigger-bundle-"));
  const outfile = join(dir, "server.mjs");
  await promisify(execFile)(process.execPath, ["scripts/build.ts", `--outfile=${outfile}`]);
  process.env["TRIGGER_BUNDLE"] = outfile;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
