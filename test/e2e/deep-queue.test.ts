import { TableClient } from "@azure/data-tables";
import { setPriority } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../emulator/azurite.js";
import type { Emulator } from "../../emulator/index.js";
import { seedQueuedRuns } from "../../bench/seed-runs.js";
import { storageNames } from "../../service/config-names.js";
import { runIdTagName } from "../../service/core/carried-run.js";
import { rowKeys } from "../../service/store/row-keys.js";
import { createTableRunStore } from "../../service/store/table-run-store.js";
import { eventually, jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { freshPartition } from "../helpers/store.js";
import { triggerEnv } from "../helpers/trigger-env.js";

/** Sets this process's scheduling priority (nice value); where that is not permitted, it stays as it is. */
function runAt(priority: number): void {
  try {
    setPriority(priority);
  } catch {
    return;
  }
}

const queued = 10_000;
const poolSize = 50;

/*
 * FIFO, as checked here: every run was PUT exactly once; and taken in acceptance order (`seq`),
 * the runs' claims (`claimedAt`, stamped by the claiming process as it decides) never go back in
 * time: no run was claimed before one accepted earlier, two only within the same millisecond. The
 * order in which the PUTs reach ARM is not: PUTs of claims committed in order go out side by side
 * (from one pass, and from different processes) and may overtake each other.
 */

describe("10,000 queued runs on a pool of 50 with three service processes", () => {
  let emulator: Emulator | undefined;
  let azurite: Azurite | undefined;
  const services: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await emulator?.close();
    await azurite?.close();
    runAt(0);
  });

  it("drains the whole queue in FIFO order with exactly one PUT per run", async () => {
    // The drain takes both vCPUs for a minute or more: at a lower priority, which the processes it
    // starts inherit, the test files running beside it are not starved of CPU.
    runAt(10);
    // An Azurite of its own: Azurite scans a whole table for every query, so 20,000 more rows in
    // the shared one would slow every test file that runs beside or after this one.
    azurite = await startAzurite();
    // Runs end the moment they start: the drain measures dispatch, not simulated work.
    emulator = await startTestEmulator({ timings: { pendingMs: 0, creatingMs: 0, runMs: 0 } });
    const groups = Array.from({ length: poolSize }, (_, i) => `deep-${i + 1}`);
    for (const group of groups) emulator.putGroup(testSubscriptionId, testResourceGroup, group, jobGroup([{ name: "BASE", value: "1" }]), { terminated: true });
    const partition = freshPartition();
    const client = TableClient.fromConnectionString(azurite.connectionString, storageNames.runsTable, { allowInsecureConnection: true });
    const store = createTableRunStore({ client, partition });
    await store.prepare(groups);
    await seedQueuedRuns(client, partition, queued, Date.now() - 86_400_000);
    expect((await store.view()).queued).toBe(queued);

    const env = triggerEnv(emulator, groups[0]!, {
      ACI_CONTAINER_GROUP: "",
      ACI_CONTAINER_GROUPS: groups.join(","),
      TRIGGER_API_KEYS: "deep-queue-key-0123456789",
      TRIGGER_STORAGE_CONNECTION_STRING: azurite.connectionString,
      TRIGGER_STORAGE_PARTITION: partition,
      TRIGGER_MAX_QUEUED: String(queued),
      LOG_LEVEL: "info",
    });
    services.push(...(await Promise.all([0, 1, 2].map(() => startServiceProcess(env)))));
    const puts = () => emulator!.requests.filter((r) => r.method === "PUT");
    // Bounded only so that a stuck drain fails instead of hanging: the drain takes about a minute on two loaded vCPUs.
    await eventually(async () => puts().length, (count) => count >= queued, 480_000);
    await eventually(() => store.view(), (view) => view.queued === 0, 60_000);
    await Promise.all(services.map((service) => service.stop()));

    const putRuns = puts().map((r) => ((r.body as { tags?: Record<string, string> }).tags ?? {})[runIdTagName]);
    expect(putRuns).toHaveLength(queued);
    expect(new Set(putRuns).size).toBe(queued);
    const runs: Array<{ id: string; seq: number; claimedAt: number }> = [];
    const [from, to] = rowKeys.runRange;
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${partition}' and RowKey gt '${from}' and RowKey lt '${to}'`, select: ["id", "seq", "claimedAt"] },
    })) {
      runs.push({ id: String(entity["id"]), seq: Number(entity["seq"]), claimedAt: Date.parse(String(entity["claimedAt"])) });
    }
    // Exactly the runs seeded, each PUT once, and none left in the queue.
    expect(runs).toHaveLength(queued);
    expect(new Set(putRuns)).toEqual(new Set(runs.map((run) => run.id)));
    expect(await store.queueHead()).toBeUndefined();
    // Claimed in acceptance order: the queue's head moves on only once its claim committed.
    runs.sort((a, b) => a.seq - b.seq);
    const inversions = runs.filter((run, i) => i > 0 && run.claimedAt < runs[i - 1]!.claimedAt);
    expect(inversions).toEqual([]);
    // Replicas racing for the head lose races; none is reported as an outage.
    expect(services.flatMap((service) => service.lines).filter((line) => line["msg"] === "reconcile pass failed")).toEqual([]);
  }, 600_000);
});
