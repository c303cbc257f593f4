import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { cliBundle } from "../helpers/cli-process.js";

describe("the committed client bundle", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it("is exactly what scripts/build-cli.ts builds from cli/ now (else run `npm run build:cli` and commit it)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aci-trigger-cli-build-"));
    dirs.push(dir);
    const fresh = join(dir, "aci-trigger.mjs");
    await promisify(execFile)(process.execPath, ["scripts/build-cli.ts", `--outfile=${fresh}`]);

    const [committed, built] = await Promise.all([readFile(cliBundle, "utf8"), readFile(fresh, "utf8")]);
    expect(committed === built, "cli/aci-trigger.mjs is stale: run `npm run build:cli` and commit it").toBe(true);
  });

  it("is the package's bin, executable, and starts with a node shebang", async () => {
    const manifest = JSON.parse(await readFile("package.json", "utf8")) as { bin?: Record<string, string> };
    expect(manifest.bin).toEqual({ "aci-trigger": "cli/aci-trigger.mjs" });
    expect((await stat(cliBundle)).mode & 0o111).toBe(0o111);
    expect((await readFile(cliBundle, "utf8")).split("\n")[0]).toBe("#!/usr/bin/env node");
  });
});
