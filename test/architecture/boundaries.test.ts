import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cruise, type ICruiseOptions, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(".");
// Every folder of shipped code; aci/ once it exists. Tests, benchmarks and scripts may reach anywhere.
const roots = ["service", "cli", "emulator", "infra", "aci"];

/** The violations of the repository's boundary rules in the tree at `baseDir`, as `rule: from → to`. */
async function violations(baseDir: string, extra: Partial<ICruiseOptions> = {}): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(repo, ".dependency-cruiser.cjs"));
  const tsConfig = extractTSConfig(join(repo, "tsconfig.json"));
  const present = roots.filter((root) => existsSync(join(baseDir, root)));
  const { output } = await cruise(present, { ...options, ...extra, baseDir }, {}, { tsConfig });
  return (output as ICruiseResult).summary.violations.map(({ rule, from, to }) => `${rule.name}: ${from} → ${to}`);
}

describe("the architecture's boundaries, held by dependency-cruiser", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  /** A tree of its own with `files` in it, resolving packages from the repository's node_modules. */
  async function plantedTree(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "aci-trigger-boundaries-"));
    dirs.push(dir);
    await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it("holds in the repository", async () => {
    expect(await violations(repo)).toEqual([]);
  });

  it("catches a storage SDK imported by the pure core, and the service imported by the emulator", async () => {
    const dir = await plantedTree({
      "service/core/planted.ts": 'import { TableClient } from "@azure/data-tables";\nexport const planted = TableClient;\n',
      "service/server.ts": "export const startServer = () => undefined;\n",
      "emulator/planted.ts": 'import { startServer } from "../service/server.js";\nexport const planted = startServer;\n',
    });
    // The symlinked node_modules keeps its path in the planted tree, as packages do in the repository.
    const found = await violations(dir, { preserveSymlinks: true });

    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pure-core: service\/core\/planted\.ts → node_modules\/@azure\/data-tables\//),
        "emulator-stands-apart: emulator/planted.ts → service/server.ts",
      ]),
    );
  });

  it("lets the CLI import the service's types, and nothing else of it", async () => {
    const dir = await plantedTree({
      "service/server.ts": "export interface Started { port: number }\nexport const startServer = () => undefined;\n",
      "cli/typed.ts": 'import type { Started } from "../service/server.js";\nexport type Planted = Started;\n',
      "cli/planted.ts": 'import { startServer } from "../service/server.js";\nexport const planted = startServer;\n',
    });

    expect(await violations(dir, { preserveSymlinks: true })).toEqual(["cli-imports-only-service-types: cli/planted.ts → service/server.ts"]);
  });

  it("lets any layer outside core/ record through @opentelemetry/api, and only telemetry/ load the SDK", async () => {
    const dir = await plantedTree({
      "service/runs/records.ts": 'import { trace } from "@opentelemetry/api";\nexport const tracer = trace.getTracer("planted");\n',
      "service/runs/exports.ts": 'import { NodeSDK } from "@opentelemetry/sdk-node";\nexport const planted = NodeSDK;\n',
      "service/telemetry/starts.ts": 'import { NodeSDK } from "@opentelemetry/sdk-node";\nexport const planted = NodeSDK;\n',
      "service/core/records.ts": 'import { trace } from "@opentelemetry/api";\nexport const tracer = trace.getTracer("planted");\n',
    });
    const found = await violations(dir, { preserveSymlinks: true });

    expect(found.filter((line) => line.includes("/runs/"))).toEqual([expect.stringMatching(/^only-telemetry-loads-the-sdk: service\/runs\/exports\.ts → node_modules\/@opentelemetry\/sdk-node\//)]);
    expect(found.filter((line) => line.includes("telemetry/starts"))).toEqual([]);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^pure-core: service\/core\/records\.ts → node_modules\/@opentelemetry\/api\//)]));
  });
});
