import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../service/core/run.js";
import { newRunId } from "../../service/core/run-id.js";
import { createLogger } from "../../service/logger.js";
import { applyTransition, type WriterDeps } from "../../service/runs/apply-transition.js";
import type { RunStore, Stored } from "../../service/store/run-store.js";
import { noTelemetry } from "../../service/telemetry/telemetry.js";
import { testStore } from "../helpers/store.js";

function writer(store: RunStore): WriterDeps {
  return { store, logger: createLogger({ level: "error", write: () => {} }), telemetry: noTelemetry, now: () => new Date(), startDeadlineMs: 60_000 };
}

/** A run claimed on `g-1` and confirmed running as attempt 1: the copy a replica holds. */
async function runningFirstAttempt(store: RunStore): Promise<Stored<RunRecord>> {
  const view = await store.view();
  const now = new Date();
  const queued = await store.enqueue(view, { id: newRunId(now), status: "queued", env: {}, createdAt: now.toISOString(), requestHash: "a".repeat(64), seq: view.counters.seq + 1, maxRetries: 1 });
  const lease = (await store.view()).leases.find((l) => l.group === "g-1");
  const claimed = await applyTransition(writer(store), queued, { kind: "dispatched", group: "g-1" }, lease);
  return (await store.commitRun(claimed.run, { ...claimed.run, status: "running", confirmedAt: now.toISOString(), startedAt: now.toISOString() }, [])).run;
}

/** Another replica's writes since: the first attempt failed, and the second was claimed on the same group and runs. */
async function secondAttemptRunning(store: RunStore, first: Stored<RunRecord>): Promise<Stored<RunRecord>> {
  const later = new Date(Date.now() + 5_000).toISOString();
  return (await store.commitRun(first, { ...first, attempt: 2, status: "running", claimedAt: later, confirmedAt: later, startedAt: later, earlierAttempts: [{ attempt: 1, status: "failed", group: "g-1", exitCode: 4 }] }, [])).run;
}

describe("an event decided on a copy of a run that another replica has moved on", () => {
  it("is dropped when the run has moved on to another claim: a read of the first attempt's group does not end the second", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const stale = await runningFirstAttempt(store);
    await secondAttemptRunning(store, stale);

    const applied = await applyTransition(writer(store), stale, { kind: "group-missing" });
    expect(applied.effects).toEqual([]);
    expect(await store.getRun(stale.id)).toMatchObject({ status: "running", attempt: 2 });
    expect((await store.getLease("g-1"))?.runId).toBe(stale.id);
  });

  it("is decided again on the fresh copy of the same claim", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const stale = await runningFirstAttempt(store);
    await store.commitRun(stale, { ...stale, restartCount: 1 }, []);

    const applied = await applyTransition(writer(store), stale, { kind: "group-missing" });
    expect(applied.run).toMatchObject({ status: "lost", restartCount: 1 });
    expect(applied.run.attempt).toBeUndefined();
    expect((await store.getLease("g-1"))?.runId).toBeUndefined();
  });

  it("is a cancel: the caller's wish applies to the run whatever its attempt", async () => {
    const store = await testStore(undefined, ["g-1"]);
    const stale = await runningFirstAttempt(store);
    await secondAttemptRunning(store, stale);

    const applied = await applyTransition(writer(store), stale, { kind: "cancel-requested" });
    expect(applied.run).toMatchObject({ status: "canceled", attempt: 2 });
    expect(applied.effects).toContainEqual({ kind: "stop-group", group: "g-1" });
  });
});
