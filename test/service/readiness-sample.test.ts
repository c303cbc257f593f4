import { describe, expect, it } from "vitest";
import { createReadiness } from "../../service/runs/readiness.js";
import { testArmPort } from "../helpers/arm-port.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { seedGroups, testConfig } from "../helpers/service-app.js";
import { testStore } from "../helpers/store.js";

const arm = useArmEmulator();

describe("readiness on a large pool", () => {
  it("reads a bounded sample of the pool per round, and keeps a failing group reported until it reads fine", async () => {
    const groups = seedGroups(arm.emulator, 7);
    const store = await testStore(undefined, groups);
    const { arm: port } = testArmPort(arm.emulator);
    const readiness = createReadiness({ store, arm: port, groups, config: testConfig(), cacheMs: 0, armWaitMs: 60_000, sample: 3 });
    const reads = () => arm.emulator.requests.filter((r) => r.method === "GET").length;
    arm.emulator.faults.add({ status: 403, code: "AuthorizationFailed", method: "GET", path: groups[4], count: 1000 });
    try {
      arm.emulator.clearRequests();
      expect((await readiness()).checks.arm).toBe("ok");
      expect(reads()).toBe(3);
      const failing = await readiness();
      expect(failing.checks.arm).toBe("failed");
      expect(failing.problems).toEqual([{ check: "arm", message: expect.stringContaining(groups[4]!) }]);
      expect((await readiness()).checks.arm).toBe("failed");
    } finally {
      arm.emulator.faults.clear();
    }
    expect((await readiness()).checks.arm).toBe("ok");
  });
});
