import { performance } from "node:perf_hooks";
import { startAzurite } from "../emulator/azurite.js";
import { createTableRunStore } from "../service/store/table-run-store.js";
import { seedQueuedRuns } from "./seed-runs.js";
import { openRunsTable } from "./table-client.js";
const az = await startAzurite();
try {
  const t = openRunsTable(az.connectionString);
  await t.client.createTable().catch(() => undefined);
  for (const n of [10, 10000]) {
    const store = createTableRunStore({ client: t.client, partition: `p${n}` });
    await store.prepare(["g1", "g2"]);
    await seedQueuedRuns(t.client, `p${n}`, n, Date.now() - 3_600_000);
    const head = (await store.queueHead())!;
    const time = async (name: string, f: () => Promise<unknown>) => { const s = performance.now(); for (let i = 0; i < 50; i++) await f(); console.log(n, name, ((performance.now() - s) / 50).toFixed(2), "ms"); };
    await time("queueHead", () => store.queueHead());
    await time("view", () => store.view());
    await time("getRun", () => store.getRun(head.runId));
    await time("retries", () => store.retries());
  }
  t.close();
} finally { await az.close(); }
