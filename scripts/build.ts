import { build } from "esbuild";
import { parseArgs } from "node:util";

/**
 * Bundles the service (Hono, the Azure SDK and identity included) into one ESM file that runs
 * with plain `node` and no node_modules.
 */
const { values } = parseArgs({ options: { outfile: { type: "string", default: "dist/server.mjs" } } });

const result = await build({
  entryPoints: ["service/main.ts"],
  outfile: values.outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  // Prefer each package's ESM build. With esbuild's node default (CommonJS first), the SDK client
  // pulls in the CommonJS copies of core-client, core-rest-pipeline and ts-http-runtime while
  // @azure/identity pulls in their ESM copies, so the bundle carried both: ESM first keeps one
  // copy, which cut the bundle by 15%, idle RSS by 5 MiB and cold start by 30 ms (bench/RESULTS.md).
  mainFields: ["module", "main"],
  minify: true,
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
  // Some bundled dependencies are CommonJS and call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(`${JSON.stringify({ msg: "bundle built", outfile: values.outfile, bytes })}\n`);
