import { TableClient } from "@azure/data-tables";
import { afterAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { seedQueuedRuns } from "../../bench/seed-runs.js";
import { storageNames } from "../../service/config-names.js";
import { runIdTagName } from "../../service/core/carried-run.js";
import { createTableRunStore } from "../../service/store/table-run-store.js";
import { eventually, jobGroup, startTestEmulator, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { startServiceProcess, type ServiceProcess } from "../helpers/service-process.js";
import { freshPartition, testConnectionString } from "../helpers/store.js";
import { triggerEnv } from "../helpers/trigger-env.js";

const queued = 10_000;
const poolSize = 50;
// Three waves of the pool: enough for every process to dispatch and for groups to be reused. The
// whole drain takes minutes on Azurite, whose every query scans the table and sorts the queue's
// rows: `npm run bench:drain` drains all 10,000 and checks the same order (bench/RESULTS.md).
const drained = 3 * poolSize;

/*
 * FIFO, as checked here: every run sent was PUT exactly once; the runs sent are exactly the
 * oldest ones accepted (consecutive `seq` from the head); and taken in acceptance order, their
 * claims' times (`claimedAt`, stamped by the claiming process as it decides) never decrease: no
 * run was claimed before one accepted earlier, two only within the same millisecond. The order in
 * which the PUTs reach ARM is not: PUTs of claims committed in order go out side by side (from
 * one pass, and from different processes) and may overtake each other.
 */

describe("10,000 queued runs on a pool of 50 with three service processes", () => {
  let emulator: Emulator | undefined;
  const services: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await emulator?.close();
  });

  it("drains the queue in FIFO order with exactly one PUT per run", async () => {
    emulator = await startTestEmulator();
    const groups = Array.from({ length: poolSize }, (_, i) => `deep-${i + 1}`);
    for (const group of groups) emulator.putGroup(testSubscriptionId, testResourceGroup, group, jobGroup([{ name: "BASE", value: "1" }]), { terminated: true });
    const partition = freshPartition();
    const client = TableClient.fromConnectionString(testConnectionString(), storageNames.runsTable, { allowInsecureConnection: true });
    const store = createTableRunStore({ client, partition });
    await store.prepare(groups);
    await seedQueuedRuns(client, partition, queued, Date.now() - 86_400_000);
    const head = await store.queueHead();
    expect((await store.view()).queued).toBe(queued);

    const env = triggerEnv(emulator, groups[0]!, {
      ACI_CONTAINER_GROUP: "",
      ACI_CONTAINER_GROUPS: groups.join(","),
      TRIGGER_API_KEYS: "deep-queue-key-0123456789",
      TRIGGER_STORAGE_PARTITION: partition,
      TRIGGER_MAX_QUEUED: String(queued),
      LOG_LEVEL: "info",
    });
    services.push(...(await Promise.all([0, 1, 2].map(() => startServiceProcess(env)))));
    const puts = () => emulator!.requests.filter((r) => r.method === "PUT");
    await eventually(async () => puts().length, (count) => count >= drained, 50_000);
    await Promise.all(services.map((service) => service.stop()));

    const putRuns = puts().map((r) => ((r.body as { tags?: Record<string, string> }).tags ?? {})[runIdTagName]);
    expect(new Set(putRuns).size).toBe(putRuns.length);
    // FIFO: the runs sent are exactly the oldest ones, and the queue's head moved past them all.
    const runs = await Promise.all(putRuns.map(async (id) => (await store.getRun(id ?? ""))!));
    runs.sort((a, b) => a.seq - b.seq);
    const first = (await store.getRun(head?.runId ?? ""))!.seq;
    expect(runs.map((run) => run.seq)).toEqual(Array.from({ length: runs.length }, (_, i) => first + i));
    // Claimed in that order too: the head moves on only once its claim committed.
    const claimed = runs.map((run) => Date.parse(run.claimedAt ?? ""));
    expect(claimed).toEqual([...claimed].sort((a, b) => a - b));
    expect((await store.view()).queued).toBe(queued - runs.length);
    // Replicas racing for the head lose races; none is reported as an outage.
    expect(services.flatMap((service) => service.lines).filter((line) => line["msg"] === "reconcile pass failed")).toEqual([]);
  }, 90_000);
});
