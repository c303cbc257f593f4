import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../service/core/run.js";
import { newRunId } from "../../service/core/run-id.js";
import { createLogger } from "../../service/logger.js";
import { applyTransition, type WriterDeps } from "../../service/runs/apply-transition.js";
import type { RunStore } from "../../service/store/run-store.js";
import { noTelemetry } from "../../service/telemetry/telemetry.js";
import { testStore } from "../helpers/store.js";

const hourMs = 3_600_000;

function writer(store: RunStore): WriterDeps {
  return {
    store,
    logger: createLogger({ level: "error", write: () => {} }),
    telemetry: noTelemetry,
    now: () => new Date(),
    startDeadlineMs: 50_000,
    webhook: { url: "https://operator.example/hook", allowedOrigins: new Set(["https://operator.example", "https://caller.example"]) },
  };
}

/** A run accepted at `createdAt` with its own URL, then canceled: two event rows, one per receiver. */
async function canceledRun(store: RunStore, createdAt: Date): Promise<RunRecord> {
  const view = await store.view();
  const run = await store.enqueue(view, {
    id: newRunId(createdAt),
    status: "queued",
    env: {},
    createdAt: createdAt.toISOString(),
    requestHash: "a".repeat(64),
    seq: view.counters.seq + 1,
    webhookUrl: "https://caller.example/runs",
  });
  return (await applyTransition(writer(store), run, { kind: "cancel-requested" })).run;
}

describe("pruning runs past retention", () => {
  it("deletes a pruned run's webhook events with it, and keeps those of a run it keeps", async () => {
    const store = await testStore(undefined, ["g-1"]);
    // Enough runs that their deletes take several transactions of at most 100 actions.
    const old = [];
    for (let i = 0; i < 40; i += 1) old.push(await canceledRun(store, new Date(Date.now() - 2 * hourMs + i)));
    const kept = await canceledRun(store, new Date());
    expect((await store.deliveries(old[0]!.id)).map((row) => row.url).sort()).toEqual(["https://caller.example/runs", "https://operator.example/hook"]);

    expect(await store.pruneRuns(new Date(Date.now() - hourMs))).toBe(40);

    for (const run of old) {
      expect(await store.getRun(run.id)).toBeUndefined();
      expect(await store.deliveries(run.id)).toEqual([]);
    }
    expect(await store.deliveries(kept.id)).toHaveLength(2);
    expect(await store.dueDeliveries(new Date(Date.now() + hourMs), 1_000)).toHaveLength(2);
  });
});
