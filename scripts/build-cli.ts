import { build } from "esbuild";
import { chmod, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";

/**
 * Bundles the command-line client (cli/, with commander, nanospinner, picocolors and dotenv)
 * into the one committed file `package.json`'s `bin` names, so `npx aci-trigger` works right
 * after `npm ci` and the file runs anywhere with plain `node`. The output depends only on the
 * sources, the locked dependencies and esbuild's version; test/cli/bundle.test.ts checks that
 * the committed file is what this script builds now.
 */
const { values } = parseArgs({ options: { outfile: { type: "string", default: "cli/aci-trigger.mjs" } } });

const result = await build({
  entryPoints: ["cli/main.ts"],
  bundle: true,
  write: false,
  platform: "node",
  format: "esm",
  target: "node22",
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  banner: {
    js: [
      "#!/usr/bin/env node",
      "// aci-trigger: built by scripts/build-cli.ts from cli/ (do not edit; run `npm run build:cli`). Licenses of the bundled packages are at the end.",
      // dotenv is CommonJS and calls require() for Node built-ins.
      "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    ].join("\n"),
  },
});

/** The folder of each bundled package, from the inputs esbuild read. */
function packageDirs(inputs: string[]): string[] {
  const dirs = inputs.flatMap((input) => {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    return match ? [match[1]!] : [];
  });
  return [...new Set(dirs)].sort();
}

async function licenseNotice(dir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { name: string; version: string; license?: string };
  const file = (await readdir(dir)).find((name) => /^licen[cs]e(\.md|\.txt)?$/i.test(name));
  const text = file ? (await readFile(join(dir, file), "utf8")).trim() : `${manifest.license ?? "see the package"}`;
  return `${manifest.name}@${manifest.version}\n\n${text.replaceAll("*/", "* /")}`;
}

const code = result.outputFiles[0]!.text;
const notices = await Promise.all(packageDirs(Object.keys(result.metafile.inputs)).map(licenseNotice));
const bundle = `${code}/*\n${notices.join("\n\n---\n\n")}\n*/\n`;

await writeFile(values.outfile, bundle);
await chmod(values.outfile, 0o755);
process.stdout.write(`${JSON.stringify({ msg: "cli bundle built", outfile: values.outfile, bytes: Buffer.byteLength(bundle) })}\n`);
