import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

/** A running Azurite (Microsoft's Azure Storage emulator) with its queue, table and blob services. */
export interface Azurite {
  /** A connection string for the account it serves, with a key made for this process. */
  connectionString: string;
  tableEndpoint: string;
  queueEndpoint: string;
  blobEndpoint: string;
  close(): Promise<void>;
}

const account = "trigger";
const guard = join(dirname(fileURLToPath(import.meta.url)), "azurite-guard.cjs");
const listening = /Azurite (Queue|Table|Blob) service is successfully listening at (http:\/\/\S+)/;

function azuriteEntry(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve("azurite/package.json");
  const { bin } = require("azurite/package.json") as { bin: Record<string, string> };
  return join(dirname(packageJson), bin["azurite"] ?? "dist/src/azurite.js");
}

/**
 * Starts Azurite's queue, table and blob services on ephemeral loopback ports, in memory, for one
 * account whose key is random (so no key is ever written down), and resolves once both print
 * where they listen. `close()` stops it; everything it held is gone.
 */
export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<Azurite> {
  const key = randomBytes(64).toString("base64");
  const workspace = await mkdtemp(join(tmpdir(), "aci-trigger-azurite-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [guard, azuriteEntry(), "--queuePort", "0", "--tablePort", "0", "--blobPort", "0", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry"],
    // In memory, and without telemetry (whose unreachable endpoint holds Azurite's exit for long);
    // the empty working folder only catches whatever Azurite might write beside it.
    { cwd: workspace, env: { ...process.env, AZURITE_ACCOUNTS: `${account}:${key}` }, stdio: ["pipe", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Azurite must not outlive the process that started it: an exit stops it here, and any other
  // end (a SIGKILL) closes the guard's stdin.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  let output = "";
  const endpoints = await new Promise<{ queue: string; table: string; blob: string }>((resolve, reject) => {
    const found: { queue?: string; table?: string; blob?: string } = {};
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => reject(new Error(`Azurite did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited before listening:\n${output}`));
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on("line", (line) => {
        output += `${line}\n`;
        const match = listening.exec(line);
        if (!match) return;
        found[match[1]!.toLowerCase() as "queue" | "table" | "blob"] = match[2];
        if (found.queue && found.table && found.blob) {
          clearTimeout(timer);
          resolve({ queue: found.queue, table: found.table, blob: found.blob });
        }
      });
    }
  }).catch(async (error: unknown) => {
    child.kill("SIGKILL");
    await rm(workspace, { recursive: true, force: true });
    throw error;
  });
  const tableEndpoint = `${endpoints.table}/${account}`;
  const queueEndpoint = `${endpoints.queue}/${account}`;
  const blobEndpoint = `${endpoints.blob}/${account}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${key};TableEndpoint=${tableEndpoint};QueueEndpoint=${queueEndpoint};BlobEndpoint=${blobEndpoint};`,
    tableEndpoint,
    queueEndpoint,
    blobEndpoint,
    close: async () => {
      process.off("exit", killOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(workspace, { recursive: true, force: true });
    },
  };
}
