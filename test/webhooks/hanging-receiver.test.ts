import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../service/logger.js";
import { noTelemetry } from "../../service/telemetry/telemetry.js";
import { createOutboxDrain } from "../../service/webhooks/deliver-outbox.js";
import { eventually, testTls, useArmEmulator } from "../helpers/emulator.js";
import { buildApp, seedGroups } from "../helpers/service-app.js";
import { testStore } from "../helpers/store.js";

const arm = useArmEmulator();
/** Deliveries the receiver took and never answered. */
let hanging = 0;
let server: Server | undefined;

afterAll(() => {
  // Not awaited: a delivery still in its TLS handshake would hold the close until its timeout.
  server?.close();
  server?.closeAllConnections();
});

/** A receiver that takes every delivery and never answers it (until the test ends). */
async function hangingReceiver(): Promise<string> {
  server = createServer({ cert: testTls().cert, key: testTls().key }, () => {
    hanging += 1;
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

describe("a receiver that never answers", () => {
  it("does not delay the next dispatch", async () => {
    const url = await hangingReceiver();
    const groups = seedGroups(arm.emulator, 1);
    const store = await testStore(undefined, groups);
    const outbox = createOutboxDrain({
      store,
      logger: createLogger({ level: "error", write: () => {} }),
      telemetry: noTelemetry,
      now: () => new Date(),
      secrets: [`whsec_${Buffer.alloc(32, 3).toString("base64")}`],
      // Far longer than the test may take: a pass that waited for it would never resolve in time.
      timeoutMs: 600_000,
      listedOrigins: new Set([new URL(url).origin]),
      retryHours: 1,
      backoff: { baseMs: 1, capMs: 5 },
      concurrency: 4,
    });
    const { runs, reconcile } = await buildApp(arm.emulator, { groups, store, webhook: { url }, outbox });

    const first = await runs.start({ env: { EMULATOR_RUN_MS: "600000" } });
    const second = await runs.start({ env: { EMULATOR_RUN_MS: "600000" } });
    const third = await runs.start({ env: { EMULATOR_RUN_MS: "600000" } });
    expect([second.run.status, third.run.status]).toEqual(["queued", "queued"]);
    await runs.cancel(first.run.id);
    // The pass dispatches the second run and starts the drain, whose run.canceled now hangs at the receiver.
    expect((await reconcile()).dispatched).toBe(1);
    await eventually(async () => hanging, (count) => count >= 1);

    // With that delivery still unanswered, the next pass dispatches the third run.
    await runs.cancel(second.run.id);
    expect((await reconcile()).dispatched).toBe(1);
    expect((await store.getRun(third.run.id))?.status).not.toBe("queued");
    expect((await store.deliveries(first.run.id))[0]).toMatchObject({ state: "pending", attempts: [] });
  });
});
