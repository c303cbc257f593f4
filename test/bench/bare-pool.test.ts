import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoGroup, type Emulator } from "../../emulator/index.js";
import type { WireContainerGroup } from "../../service/core/arm-types.js";
import { measureBarePool } from "../../bench/bare-pool.js";
import { startTestEmulator, testTls } from "../helpers/emulator.js";

// The pool's floor is only a floor if the bare poller does the pool's work: every run once, and
// never a PUT over a group whose run has not ended.
describe("the bare pool poller", () => {
  let emulator: Emulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    dir = await mkdtemp(join(tmpdir(), "bare-pool-test-"));
    await writeFile(join(dir, "ca.pem"), testTls().ca);
  });
  afterAll(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs every run once, each group's next run PUT only after its run before ended", async () => {
    const plan = { groups: 2, runs: 7, runMs: 20, reconcileIntervalMs: 5 };
    const figures = await measureBarePool({ emulator, caFile: join(dir, "ca.pem"), definition: demoGroup() as unknown as WireContainerGroup, plan, round: 1 });
    expect(figures).toMatchObject({ runs: 7, puts: 7, groups: 2 });
    // 7 runs on 2 groups: 5 hand-overs, each measured from the end before it to the PUT after it.
    expect(figures.dispatchLatenciesMs).toHaveLength(5);
    for (const latency of figures.dispatchLatenciesMs) expect(latency).toBeGreaterThanOrEqual(0);
  });
});
