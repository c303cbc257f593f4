import { readFile } from "node:fs/promises";
import { runCli } from "./cli.js";
import { exitCodes } from "./exit-codes.js";
import { pulumiStackOutputs } from "./pulumi-stack.js";

// First of all: on Linux the new title overwrites the command line that `ps` shows, so a key
// given with --key is not left there for the whole wait.
process.title = "aci-trigger";

// A reader that went away (`aci-trigger logs ID | head`) has all it wanted: end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(exitCodes.ok);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr, env: process.env },
  readStack: pulumiStackOutputs,
  readFile: (path) => readFile(path, "utf8"),
  onInterrupt: (handler) => {
    const listener = () => {
      handler();
      process.exit(exitCodes.interrupted);
    };
    process.once("SIGINT", listener);
    return () => void process.off("SIGINT", listener);
  },
});
