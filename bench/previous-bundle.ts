import { execFile } from "node:child_process";
import { mkdir, symlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { buildBundle, type BuiltBundle } from "./bundle.js";

const run = promisify(execFile);

/**
 * The earlier builds the CPU per trigger is compared with: "today", the service before issue 25
 * (the first parent of the merge of branch 'telemetry', `git log --merges`), and that merge
 * itself, which adds telemetry and nothing else, so what came after it (the retries) is told apart.
 */
export const earlierBuilds = [
  { name: "before-telemetry", commit: "1b3689bcbe5deb2eecf265a6e9c59475b1ce768e" },
  { name: "telemetry-merge", commit: "5e2025536bfeb47d19fef845de6043c4e06b6034" },
] as const;

/**
 * Builds the production bundle of `commit` into `dir`: its tree unpacked from git, this
 * checkout's node_modules linked in (the dependencies then were a subset of today's), and that
 * commit's own build script run there.
 */
export async function buildBundleAt(commit: string, dir: string): Promise<BuiltBundle & { commit: string }> {
  const source = join(dir, `source-${commit.slice(0, 7)}`);
  await mkdir(source, { recursive: true });
  await run("sh", ["-c", 'git archive --format=tar "$1" | tar -x -C "$2"', "sh", commit, source]);
  await symlink(resolve("node_modules"), join(source, "node_modules"), "dir");
  return { ...(await buildBundle(dir, source, `server-${commit.slice(0, 7)}.mjs`)), commit };
}
