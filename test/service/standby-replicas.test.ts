import { BlobServiceClient } from "@azure/storage-blob";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.js";
import { storageNames } from "../../service/config-names.js";
import { isTerminal, type RunRecord } from "../../service/core/run.js";
import { createBlobLogArchive } from "../../service/store/blob-log-archive.js";
import { eventually, testResourceGroup, testSubscriptionId } from "../helpers/emulator.js";
import { bodyOf, buildApp, postRun, type TestApp } from "../helpers/service-app.js";
import { runGroupPath, startStandbyEmulator } from "../helpers/standby.js";
import { freshPartition, testConnectionString, testStore } from "../helpers/store.js";

const slots = 3;
const runDefaults = { maxRetries: 0, startTimeoutSeconds: 600, retryBackoffSeconds: 0 };

/** A run's plan: its attempts' exit codes (the last repeats) and how many retries it may take. */
const runPlanArb = fc.record({ exitCodes: fc.array(fc.constantFrom(0, 3, 7), { minLength: 1, maxLength: 3 }), maxRetries: fc.integer({ min: 0, max: 2 }), runMs: fc.integer({ min: 0, max: 150 }) });
/** Who runs the next pass: one replica, the other, or both at once (their passes meet). */
const stepArb = fc.constantFrom("a", "b", "both");

type RunPlan = { exitCodes: number[]; maxRetries: number; runMs: number };

/** The attempts a plan takes and how it ends: the first zero within its retries succeeds. */
function expectedEnd(plan: RunPlan): { status: "succeeded" | "failed"; attempts: number } {
  const codeOf = (attempt: number) => plan.exitCodes[Math.min(attempt, plan.exitCodes.length) - 1]!;
  for (let attempt = 1; attempt <= plan.maxRetries + 1; attempt += 1) if (codeOf(attempt) === 0) return { status: "succeeded", attempts: attempt };
  return { status: "failed", attempts: plan.maxRetries + 1 };
}

describe("two standby replicas whose passes interleave at random over runs that fail and retry", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startStandbyEmulator(2);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  const groupExists = (name: string) => emulator.getStoredGroup(testSubscriptionId, testResourceGroup, name) !== undefined;

  async function replicas(): Promise<[TestApp, TestApp]> {
    const partition = freshPartition();
    const store = await testStore(partition);
    const container = BlobServiceClient.fromConnectionString(testConnectionString()).getContainerClient(storageNames.logContainer);
    const archive = createBlobLogArchive(container, partition);
    await archive.prepare();
    const standby = { slots, profile: "worker", pool: "worker-pool" };
    const build = () => buildApp(emulator, { store, standby, runDefaults, logArchive: { archive } });
    return [await build(), await build()];
  }

  it("ends every run as its attempts say, claims each attempt's group once, deletes each after its log, never holds more groups than slots, and frees every slot", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(runPlanArb, { minLength: 4, maxLength: 7 }), fc.array(stepArb, { minLength: 5, maxLength: 20 }), async (plans, steps) => {
        const [a, b] = await replicas();
        const first = emulator.requests.length;
        const ids: string[] = [];
        for (const [i, plan] of plans.entries()) {
          const env = { EMULATOR_EXIT_CODES: plan.exitCodes.join(","), EMULATOR_RUN_MS: String(plan.runMs) };
          const answer = await bodyOf(await postRun((i % 2 === 0 ? a : b).app, { env, maxRetries: plan.maxRetries }));
          ids.push(String(answer.id));
        }
        let step = 0;
        const settled = await eventually(
          async () => {
            const who = steps[step++ % steps.length];
            await Promise.all([who !== "b" ? a.reconcile() : undefined, who !== "a" ? b.reconcile() : undefined]);
            const runs = (await Promise.all(ids.map((id) => a.store.getRun(id)))) as RunRecord[];
            const leases = (await a.store.view()).leases;
            return { runs, held: leases.filter((lease) => lease.runId !== undefined).length };
          },
          ({ runs, held }) => held === 0 && runs.every((run) => isTerminal(run.status) && run.log !== undefined),
          90_000,
        );

        const calls = emulator.requests.slice(first).filter((r) => runGroupPath.test(r.path) && r.status < 300);
        let live = 0;
        let most = 0;
        for (const r of calls) {
          if (r.method === "PUT" && r.status === 201) most = Math.max(most, ++live);
          if (r.method === "DELETE" && r.status === 200) live -= 1;
        }
        expect(most).toBeLessThanOrEqual(slots);
        for (const [i, run] of settled.runs.entries()) {
          const end = expectedEnd(plans[i]!);
          expect({ id: run.id, status: run.status, attempt: run.attempt ?? 1, log: run.log }).toStrictEqual({ id: ids[i], status: end.status, attempt: end.attempts, log: "complete" });
          for (let attempt = 1; attempt <= end.attempts; attempt += 1) {
            const group = `run-${run.id}-${attempt}`;
            const mine = calls.filter((r) => runGroupPath.exec(r.path)?.[1] === group);
            expect(mine.filter((r) => r.method === "PUT").length, `${group} claimed once`).toBe(1);
            expect(mine.filter((r) => r.method === "DELETE" && r.status === 200).length, `${group} deleted once`).toBe(1);
            expect(groupExists(group)).toBe(false);
          }
        }
        for (const replica of [a, b]) expect(replica.lines().filter((line) => line["msg"] === "reconcile of a group failed" || line["level"] === "error")).toEqual([]);
      }),
      { numRuns: 6, endOnFailure: true },
    );
  }, 400_000);
});
