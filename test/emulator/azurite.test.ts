import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { expect, it } from "vitest";
import { eventually } from "../helpers/emulator.js";

/** Whether anything still accepts connections at `url`. */
async function listens(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

it("stops Azurite when the process that started it is killed, not only when it exits", async () => {
  // A parent that starts Azurite, prints its table endpoint and then waits to be killed.
  const script = `
    import { startAzurite } from "./emulator/azurite.ts";
    const azurite = await startAzurite();
    console.log(azurite.tableEndpoint);
    setInterval(() => {}, 60_000);`;
  const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const first = await createInterface({ input: parent.stdout! })[Symbol.asyncIterator]().next();
    const endpoint = String(first.value).trim();
    expect(await listens(endpoint)).toBe(true);
    parent.kill("SIGKILL");
    await once(parent, "exit");
    expect(await eventually(() => listens(endpoint), (up) => !up)).toBe(false);
  } finally {
    if (parent.exitCode === null && parent.signalCode === null) parent.kill("SIGKILL");
  }
});
