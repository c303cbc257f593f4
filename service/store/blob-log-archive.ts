import { RestError, type ContainerClient } from "@azure/storage-blob";
import { StoreConflict, StoreUnavailable } from "./store-errors.js";
import type { ArchiveRead, LogArchive } from "./log-archive.js";

// An append blob's block holds at most 4 MiB; whole lines are sent in blocks below it.
const maxBlockBytes = 4 * 1024 * 1024 - 1024;

/** Maps Blob Storage's answers to the store's errors, as `storeCall` does for tables. */
async function blobCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof RestError) {
      if (error.statusCode === 412) throw new StoreConflict("changed");
      throw new StoreUnavailable(error.statusCode);
    }
    if (error instanceof Error && error.name === "AbortError") throw new StoreUnavailable(undefined);
    throw error;
  }
}

const isMissing = (error: unknown) => error instanceof RestError && error.statusCode === 404;

// How many created archives a process remembers; forgetting one costs a create that finds it there.
const maxRemembered = 10_000;

/** Whole lines in blocks of at most `maxBlockBytes`. */
function blocks(lines: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  let pending: Buffer[] = [];
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.from(`${line}\n`);
    if (size + bytes.length > maxBlockBytes && pending.length > 0) {
      out.push(Buffer.concat(pending));
      pending = [];
      size = 0;
    }
    // A line longer than a block is cut at the block's size: ACI's lines are far shorter.
    for (let start = 0; start < bytes.length; start += maxBlockBytes) {
      const piece = bytes.subarray(start, start + maxBlockBytes);
      pending.push(piece);
      size += piece.length;
    }
  }
  if (pending.length > 0) out.push(Buffer.concat(pending));
  return out;
}

/** The run logs' archive in `container`, each run's under `<partition>/<runId>.log`. */
export function createBlobLogArchive(container: ContainerClient, partition: string): LogArchive {
  const prefix = `${partition}/`;
  const blob = (runId: string) => container.getAppendBlobClient(`${prefix}${runId}.log`);

  async function download(runId: string, from: number, count?: number): Promise<{ data: Buffer; size: number } | undefined> {
    try {
      const response = await blob(runId).download(from, count);
      const body = response.readableStreamBody;
      const chunks: Buffer[] = [];
      if (body) for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
      const range = /\/(\d+)$/.exec(response.contentRange ?? "");
      return { data: Buffer.concat(chunks), size: range ? Number(range[1]) : from + (response.contentLength ?? 0) };
    } catch (error) {
      // A range starting at the end of the blob (nothing new) is refused as not satisfiable.
      if (error instanceof RestError && error.statusCode === 416) return { data: Buffer.alloc(0), size: from };
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  // The archives this process created (or found there): an append to one needs no create first.
  const created = new Set<string>();
  async function create(runId: string): Promise<void> {
    try {
      await blob(runId).create({ conditions: { ifNoneMatch: "*" } });
    } catch (error) {
      // Created by another replica, or by this one before: an append's position decides.
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
    }
    if (created.size >= maxRemembered) created.clear();
    created.add(runId);
  }

  const size = async (runId: string): Promise<number | undefined> => {
    try {
      return (await blob(runId).getProperties()).contentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  };

  return {
    prepare: () => blobCall(async () => void (await container.createIfNotExists())),

    tail: (runId, maxBytes) =>
      blobCall(async () => {
        const bytes = await size(runId);
        if (bytes === undefined) return undefined;
        const from = Math.max(0, bytes - maxBytes);
        const read = bytes === 0 ? { data: Buffer.alloc(0), size: 0 } : await download(runId, from, bytes - from);
        if (read === undefined) return undefined;
        const text = read.data.toString("utf8");
        const lines = text.split("\n").slice(0, -1);
        // A range that starts mid-archive starts mid-line: that piece is not a line.
        if (from > 0) lines.shift();
        return { bytes: from + read.data.length, lines, fromStart: from === 0 };
      }),

    create: (runId) => blobCall(() => create(runId)),

    append: (runId, lines, position) =>
      blobCall(async () => {
        const client = blob(runId);
        if (position === 0 && !created.has(runId)) await create(runId);
        let at = position;
        for (const block of blocks(lines)) {
          await client.appendBlock(block, block.length, { conditions: { appendPosition: at } });
          at += block.length;
        }
      }),

    read: (runId, from) =>
      blobCall(async (): Promise<ArchiveRead | undefined> => {
        const read = await download(runId, from);
        if (read === undefined) return undefined;
        // Lines are appended whole, but a read may meet a block being written: it stops at a newline.
        const last = read.data.lastIndexOf(0x0a);
        const whole = read.data.subarray(0, last + 1);
        return { text: whole.toString("utf8"), end: from + whole.length };
      }),

    remove: (runId) => blobCall(async () => void (await blob(runId).deleteIfExists())),

    runs: async function* () {
      const names = blobCall(async () => {
        const found: string[] = [];
        for await (const item of container.listBlobsFlat({ prefix })) found.push(item.name.slice(prefix.length).replace(/\.log$/, ""));
        return found;
      });
      yield* await names;
    },
  };
}
