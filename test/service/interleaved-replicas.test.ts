import { BlobServiceClient } from "@azure/storage-blob";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Fault } from "../../emulator/index.js";
import { storageNames } from "../../service/config-names.js";
import { isTerminal, type RunRecord } from "../../service/core/run.js";
import { createBlobLogArchive } from "../../service/store/blob-log-archive.js";
import { eventually } from "../helpers/emulator.js";
import { runIdTagName } from "../../service/core/carried-run.js";
import { auth, bodyOf, buildApp, postRun, seedGroups, type BuildOptions, type TestApp } from "../helpers/service-app.js";
import { runGroupPath, useStandbyEmulator } from "../helpers/standby.js";
import { freshPartition, testConnectionString, testStore } from "../helpers/store.js";

const arm = useStandbyEmulator(2);
const slots = 3;
const runDefaults = { maxRetries: 0, startTimeoutSeconds: 600, retryBackoffSeconds: 0 };

/**
 * A run's plan: its attempts' exit codes (the last repeats), how many retries it may take, and
 * maybe the step at which the other replica cancels it (queued, running, retrying or already ended).
 */
const runPlanArb = fc.record({
  exitCodes: fc.array(fc.constantFrom(0, 3, 7), { minLength: 1, maxLength: 3 }),
  maxRetries: fc.integer({ min: 0, max: 2 }),
  runMs: fc.integer({ min: 0, max: 150 }),
  cancelAt: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined, freq: 3 }),
});
/**
 * A step: who runs the next pass (one replica, the other, or both at once, so their passes meet),
 * and maybe a transient ARM failure of the next read or delete of a group (a 5xx, or no answer),
 * which the ARM calls' retries must absorb: a run's outcome never depends on it.
 */
const stepArb = fc.record({
  who: fc.constantFrom("a", "b", "both"),
  fault: fc.option(fc.oneof(fc.record({ status: fc.constantFrom(500, 502, 503), method: fc.constantFrom("GET", "DELETE") }), fc.constant({ drop: true, method: "GET" })), { nil: undefined, freq: 3 }),
});
type Step = { who: string; fault?: Fault | undefined };

type RunPlan = { exitCodes: number[]; maxRetries: number; runMs: number; cancelAt?: number | undefined };

/** The attempts a plan takes and how it ends: the first zero within its retries succeeds. */
function expectedEnd(plan: RunPlan): { status: "succeeded" | "failed"; attempts: number } {
  const codeOf = (attempt: number) => plan.exitCodes[Math.min(attempt, plan.exitCodes.length) - 1]!;
  for (let attempt = 1; attempt <= plan.maxRetries + 1; attempt += 1) if (codeOf(attempt) === 0) return { status: "succeeded", attempts: attempt };
  return { status: "failed", attempts: plan.maxRetries + 1 };
}

/** The attempts of `run` that were dispatched: its earlier ones, and its current one once claimed. */
function dispatchedAttempts(run: RunRecord): number[] {
  const earlier = (run.earlierAttempts ?? []).map((attempt) => attempt.attempt);
  return run.claimedAt === undefined || earlier.includes(run.attempt ?? 1) ? earlier : [...earlier, run.attempt ?? 1];
}

describe("two replicas whose passes interleave at random over runs that fail, retry and are canceled, with ARM failing now and then", () => {
  async function replicas(mode: Pick<BuildOptions, "groups" | "standby">): Promise<[TestApp, TestApp]> {
    const partition = freshPartition();
    const store = await testStore(partition);
    const container = BlobServiceClient.fromConnectionString(testConnectionString()).getContainerClient(storageNames.logContainer);
    const archive = createBlobLogArchive(container, partition);
    await archive.prepare();
    const build = () => buildApp(arm.emulator, { store, ...mode, runDefaults, logArchive: { archive } });
    return [await build(), await build()];
  }

  /**
   * Starts `plans` on the two replicas in turn, then runs passes as `steps` say (round and round)
   * until every run has ended with its log complete and no group is held; answers the runs and
   * the emulator's group calls meanwhile, each checked to end as its attempts say.
   */
  async function interleave([a, b]: [TestApp, TestApp], plans: RunPlan[], steps: Step[]) {
    const first = arm.emulator.requests.length;
    const ids: string[] = [];
    for (const [i, plan] of plans.entries()) {
      const env = { EMULATOR_EXIT_CODES: plan.exitCodes.join(","), EMULATOR_RUN_MS: String(plan.runMs) };
      const answer = await bodyOf(await postRun((i % 2 === 0 ? a : b).app, { env, maxRetries: plan.maxRetries }));
      ids.push(String(answer.id));
    }
    let step = 0;
    const cancel = (i: number) => (i % 2 === 0 ? b : a).app.request(`/runs/${ids[i]}/cancel`, { method: "POST", headers: auth });
    const { runs } = await eventually(
      async () => {
        const { who, fault } = steps[step % steps.length]!;
        // One armed at a time (an unused one is dropped), so a call's retries always outlast it.
        if (fault) {
          arm.emulator.faults.clear();
          arm.emulator.faults.add({ ...fault, path: "/containerGroups/" });
        }
        const cancels = plans.flatMap((plan, i) => (plan.cancelAt === step ? [cancel(i)] : []));
        step += 1;
        await Promise.all([who !== "b" ? a.reconcile() : undefined, who !== "a" ? b.reconcile() : undefined, ...cancels]);
        const runs = (await Promise.all(ids.map((id) => a.store.getRun(id)))) as RunRecord[];
        const leases = (await a.store.view()).leases;
        return { runs, held: leases.filter((lease) => lease.runId !== undefined).length };
      },
      // A run canceled before its attempt was seen running (queued, starting, waiting for a retry) may have no log to settle.
      ({ runs, held }) => held === 0 && step > Math.max(0, ...plans.map((plan) => plan.cancelAt ?? 0)) && runs.every((run) => isTerminal(run.status) && (run.log !== undefined || (run.status === "canceled" && run.confirmedAt === undefined))),
      90_000,
    );
    arm.emulator.faults.clear();
    for (const [i, run] of runs.entries()) {
      const end = expectedEnd(plans[i]!);
      if (run.status === "canceled") {
        expect(plans[i]!.cancelAt, `${run.id} canceled only when asked`).toBeDefined();
        expect(run.attempt ?? 1).toBeLessThanOrEqual(end.attempts);
        if (run.log !== undefined) expect(run.log).toBe("complete");
        continue;
      }
      expect({ id: run.id, status: run.status, attempt: run.attempt ?? 1, log: run.log }).toStrictEqual({ id: ids[i], status: end.status, attempt: end.attempts, log: "complete" });
    }
    for (const replica of [a, b]) expect(replica.lines().filter((line) => line["msg"] === "reconcile of a group failed" || line["level"] === "error")).toEqual([]);
    return { runs, calls: arm.emulator.requests.slice(first).filter((r) => r.status < 300) };
  }

  it("standby: claims each attempt's group once, deletes each after its log, never holds more groups than slots, and frees every slot", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(runPlanArb, { minLength: 4, maxLength: 7 }), fc.array(stepArb, { minLength: 5, maxLength: 20 }), async (plans, steps) => {
        const { runs, calls } = await interleave(await replicas({ standby: { slots, profile: "worker", pool: "worker-pool" } }), plans, steps);
        const groupCalls = calls.filter((r) => runGroupPath.test(r.path));
        let live = 0;
        let most = 0;
        for (const r of groupCalls) {
          if (r.method === "PUT" && r.status === 201) most = Math.max(most, ++live);
          if (r.method === "DELETE" && r.status === 200) live -= 1;
        }
        expect(most).toBeLessThanOrEqual(slots);
        for (const run of runs) {
          for (const attempt of dispatchedAttempts(run)) {
            const group = `run-${run.id}-${attempt}`;
            const mine = groupCalls.filter((r) => runGroupPath.exec(r.path)?.[1] === group);
            expect(mine.filter((r) => r.method === "PUT").length, `${group} claimed once`).toBe(1);
            expect(mine.filter((r) => r.method === "DELETE" && r.status === 200).length, `${group} deleted once`).toBe(1);
            expect(arm.hasGroup(group)).toBe(false);
          }
        }
      }),
      { numRuns: 6, endOnFailure: true },
    );
  }, 400_000);

  it("pool: re-creates a group once per attempt, and frees every group", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(runPlanArb, { minLength: 4, maxLength: 7 }), fc.array(stepArb, { minLength: 5, maxLength: 20 }), async (plans, steps) => {
        const groups = seedGroups(arm.emulator, slots);
        const { runs, calls } = await interleave(await replicas({ groups }), plans, steps);
        const puts = calls.filter((r) => r.method === "PUT" && groups.some((group) => r.path.endsWith(`/containerGroups/${group}`)));
        const attemptsPut = puts.map((r) => {
          const body = r.body as { tags?: Record<string, string>; properties: { containers: Array<{ properties: { environmentVariables?: Array<{ name: string; value?: string }> } }> } };
          const env = body.properties.containers[0]?.properties.environmentVariables ?? [];
          return `${body.tags?.[runIdTagName]}/${env.find((v) => v.name === "TRIGGER_ATTEMPT")?.value ?? "1"}`;
        });
        const wanted = runs.flatMap((run) => dispatchedAttempts(run).map((attempt) => `${run.id}/${attempt}`));
        expect(attemptsPut.sort()).toStrictEqual(wanted.sort());
      }),
      { numRuns: 6, endOnFailure: true },
    );
  }, 400_000);
});
