import { describe, expect, it } from "vitest";
import { seedQueuedRuns } from "../../bench/seed-runs.js";
import { runIdTagName } from "../../service/core/carried-run.js";
import { createTableRunStore } from "../../service/store/table-run-store.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { buildApp, seedGroups } from "../helpers/service-app.js";
import { countedTableClient, freshPartition } from "../helpers/store.js";

const arm = useArmEmulator();

/**
 * One reconcile pass over `queued` waiting runs (each with `env`) and as many free groups, its
 * table requests counted through a proxy in front of Azurite: the transactions it submitted, the
 * runs' PUTs, and the runs' claims in acceptance order.
 */
async function claimPass(queued: number, env: Record<string, string>) {
  const { client, proxy } = await countedTableClient();
  try {
    const partition = freshPartition();
    const groups = seedGroups(arm.emulator, queued);
    const store = createTableRunStore({ client, partition });
    await store.prepare(groups);
    await seedQueuedRuns(client, partition, queued, Date.now() - 86_400_000, env);
    const { reconcile } = await buildApp(arm.emulator, { groups, store });
    arm.emulator.clearRequests();
    const before = proxy.requests.length;
    const { dispatched } = await reconcile();
    const transactions = proxy.requests.slice(before).filter((request) => request.method === "POST" && request.path.endsWith("/$batch")).length;
    const puts = arm.emulator.requests.filter((request) => request.method === "PUT").map((request) => (request.body as { tags?: Record<string, string> }).tags?.[runIdTagName]);
    const runs = (await store.listRuns({ limit: queued })).runs.sort((a, b) => a.seq - b.seq);
    return { dispatched, transactions, puts, runs, queuedAfter: (await store.view()).queued };
  } finally {
    await proxy.close();
  }
}

describe("a pass's claims, committed together", () => {
  it("hands 40 heads to 40 free groups in one pass, in transactions of at most 100 operations, oldest first", async () => {
    const pass = await claimPass(40, { SMALL: "1" });
    expect(pass.dispatched).toBe(40);
    expect(pass.queuedAfter).toBe(0);
    // 40 claims of three operations each (the run, the lease, the queue entry) and the count: two transactions.
    expect(pass.transactions).toBe(2);
    expect(new Set(pass.puts).size).toBe(40);
    expect(pass.runs.every((run) => run.status === "starting")).toBe(true);
    const claimed = pass.runs.map((run) => Date.parse(run.claimedAt ?? ""));
    expect(claimed).toEqual([...claimed].sort((a, b) => a - b));
  });

  it("cuts claims of large requests into transactions under Azure's 4 MiB", async () => {
    // 12 runs of about 200,000 characters each: 400 KB a run as the store counts it, 4.8 MB in all.
    const pass = await claimPass(12, { LARGE: "x".repeat(200_000) });
    expect(pass.dispatched).toBe(12);
    expect(pass.queuedAfter).toBe(0);
    expect(pass.transactions).toBeGreaterThanOrEqual(2);
    expect(new Set(pass.puts).size).toBe(12);
    expect(pass.runs.every((run) => run.status === "starting")).toBe(true);
  });
});
