import { BlobServiceClient } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";
import { storageNames } from "../../service/config-names.js";
import { newRunId } from "../../service/core/run-id.js";
import { createBlobLogArchive } from "../../service/store/blob-log-archive.js";
import { StoreConflict } from "../../service/store/store-errors.js";
import { pruneLogs } from "../../service/runs/prune-logs.js";
import { freshPartition, testConnectionString, testStore } from "../helpers/store.js";

async function testArchive(partition = freshPartition()) {
  const container = BlobServiceClient.fromConnectionString(testConnectionString()).getContainerClient(storageNames.logContainer);
  const archive = createBlobLogArchive(container, partition);
  await archive.prepare();
  return archive;
}

describe("the log archive in Blob Storage", () => {
  it("appends whole lines where the writer knew the archive ended, and refuses a second writer at the same place", async () => {
    const archive = await testArchive();
    const runId = newRunId(new Date());
    await archive.append(runId, ["a", "b"], 0);
    await expect(archive.append(runId, ["b again"], 0)).rejects.toBeInstanceOf(StoreConflict);
    await archive.append(runId, ["c"], 4);

    expect(await archive.read(runId, 0)).toEqual({ text: "a\nb\nc\n", end: 6 });
    expect(await archive.read(runId, 6)).toEqual({ text: "", end: 6 });
    expect(await archive.tail(runId, 3)).toEqual({ bytes: 6, lines: ["c"], fromStart: false });
  });

  it("has no archive of a run it never copied", async () => {
    const archive = await testArchive();
    const runId = newRunId(new Date());
    expect(await archive.read(runId, 0)).toBeUndefined();
    expect(await archive.tail(runId, 100)).toBeUndefined();
  });

  it("deletes the archives of pruned runs, and keeps those of runs the store still knows", async () => {
    const partition = freshPartition();
    const [store, archive] = await Promise.all([testStore(partition), testArchive(partition)]);
    const old = new Date(Date.now() - 10 * 86_400_000);
    const pruned = newRunId(old);
    const kept = newRunId(old);
    const recent = newRunId(new Date());
    const view = await store.view();
    await store.enqueue(view, { id: kept, status: "queued", env: {}, createdAt: old.toISOString(), requestHash: "a".repeat(64), seq: 1 });
    for (const runId of [pruned, kept, recent]) await archive.append(runId, ["line"], 0);

    expect(await pruneLogs(store, archive, new Date(Date.now() - 86_400_000))).toBe(1);
    expect(await archive.read(pruned, 0)).toBeUndefined();
    expect(await archive.read(kept, 0)).toBeDefined();
    expect(await archive.read(recent, 0)).toBeDefined();
  });
});
