import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireContainerGroup, WireContainerState } from "../../service/core/arm-types.js";
import { runIdTagName } from "../../service/core/carried-run.js";
import { attemptOf, isTerminal, type RunRecord } from "../../service/core/run.js";
import { allowedMoves, transition, type RunEvent, type TransitionContext } from "../../service/core/run-transition.js";
import { attemptEnvName, runIdEnvName } from "../../service/core/trigger-env-names.js";

const runId = "0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b";
const createdMs = Date.parse("2024-05-01T10:00:00.000Z");
const startDeadlineMs = 60_000;

const accepted: RunEvent = {
  kind: "accepted",
  run: { id: runId, env: {}, createdAt: new Date(createdMs).toISOString(), requestHash: "a".repeat(64), seq: 7 },
};

/** A run with limits: a 30 s timeout, two retries, timeouts retried or not. */
const acceptedWithLimits = (retryOnTimeout: boolean): RunEvent => ({
  kind: "accepted",
  run: { ...(accepted.kind === "accepted" ? accepted.run : ({} as never)), attempt: 1, timeoutSeconds: 30, maxRetries: 2, retryOnTimeout },
});

function group(carries: string | undefined, target: WireContainerState | undefined, attempt = 1): WireContainerGroup {
  return {
    name: "job-0",
    tags: carries ? { [runIdTagName]: carries } : {},
    properties: {
      osType: "Linux",
      provisioningState: "Succeeded",
      restartPolicy: "Never",
      instanceView: { state: "Running", events: [] },
      containers: [
        {
          name: "job",
          properties: {
            image: "example/job:1",
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
            environmentVariables: carries
              ? [
                  { name: runIdEnvName, value: carries },
                  { name: attemptEnvName, value: String(attempt) },
                ]
              : [],
            instanceView: { restartCount: 0, ...(target ? { currentState: target } : {}) },
          },
        },
      ],
    },
  };
}

const states: Array<WireContainerState | undefined> = [
  undefined,
  { state: "Waiting", detailStatus: "" },
  { state: "Running", startTime: "2024-05-01T10:00:05Z", detailStatus: "" },
  { state: "Running", startTime: "2024-05-01T10:02:00Z", detailStatus: "" },
  { state: "Terminated", startTime: "2024-05-01T10:00:05Z", finishTime: "2024-05-01T10:01:00Z", exitCode: 0, detailStatus: "Completed" },
  { state: "Terminated", startTime: "2024-05-01T10:00:05Z", finishTime: "2024-05-01T10:01:00Z", exitCode: 2, detailStatus: "Error" },
];

const eventArb: fc.Arbitrary<RunEvent> = fc.oneof(
  fc.constant(accepted),
  fc.boolean().map(acceptedWithLimits),
  fc.constantFrom("job-0", "job-1").map((name): RunEvent => ({ kind: "dispatched", group: name })),
  fc.constant<RunEvent>({ kind: "put-applied" }),
  fc.constant<RunEvent>({ kind: "put-failed", message: "refused" }),
  fc.constant<RunEvent>({ kind: "put-deferred" }),
  fc.constant<RunEvent>({ kind: "start-refused", message: "cannot start" }),
  fc.record({ carries: fc.constantFrom(runId, "another-run", undefined), target: fc.constantFrom(...states), attempt: fc.integer({ min: 1, max: 3 }) }).map(
    ({ carries, target, attempt }): RunEvent => ({ kind: "observed", group: group(carries, target, attempt) }),
  ),
  fc.constant<RunEvent>({ kind: "group-missing" }),
  fc.constant<RunEvent>({ kind: "cancel-requested" }),
  fc.constant<RunEvent>({ kind: "stop-confirmed" }),
  fc.constantFrom<RunEvent>({ kind: "deadline-passed", limit: "timeout" }, { kind: "deadline-passed", limit: "start" }),
  fc.constant<RunEvent>({ kind: "retry-due" }),
);

/** Events each at a time after the last (0 to 2 minutes later): deadlines pass in some sequences. */
const historyArb = fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 120_000 })), { maxLength: 25 });

function contextAt(ms: number): TransitionContext {
  return { now: new Date(createdMs + ms), startDeadlineMs, startTimeoutMs: 90_000, retryBackoff: { baseMs: 1_000, capMs: 8_000 }, jitter: 0.5 };
}

describe("the transition function", () => {
  it("never makes a move the table does not allow, and never moves a final status", () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        let run: RunRecord | undefined;
        let ms = 0;
        // A run canceled while a retry was due keeps the attempt it waited on, whatever comes after.
        let canceledWaiting = false;
        for (const [event, later] of history) {
          ms += later;
          const next = transition(run, event, contextAt(ms));
          if (next === undefined) continue;
          if (run === undefined) {
            expect(next.run.status).toBe("queued");
          } else {
            if (isTerminal(run.status)) expect(next.run).toStrictEqual(run);
            if (next.run.status !== run.status) expect(allowedMoves[run.status]).toContain(next.run.status);
            const ends = next.effects.filter((effect) => effect.kind === "run-ended");
            expect(ends).toHaveLength(isTerminal(next.run.status) && !isTerminal(run.status) ? 1 : 0);
          }
          // A start ARM deferred goes back to the queue, unconfirmed, as the same attempt, holding nothing.
          const deferred = run?.status === "starting" && next.run.status === "queued";
          if (deferred) {
            expect(run?.confirmedAt).toBeUndefined();
            expect(attemptOf(next.run)).toBe(attemptOf(run!));
            expect(next.run.group).toBeUndefined();
            expect(next.run.earlierAttempts).toEqual(run?.earlierAttempts);
          }
          // A group is freed only by a run that has ended, waits to retry, or had its start deferred.
          if (next.effects.some((effect) => effect.kind === "release-group")) expect(isTerminal(next.run.status) || next.run.status === "retrying" || deferred).toBe(true);
          // A retry is scheduled exactly when a run moves to retrying; a run joins the queue again only from there or a deferred start.
          const scheduled = next.effects.filter((effect) => effect.kind === "schedule-retry");
          expect(scheduled).toHaveLength(next.run.status === "retrying" && run?.status !== "retrying" ? 1 : 0);
          const enqueued = next.effects.filter((effect) => effect.kind === "enqueue");
          if (enqueued.length > 0) expect(run?.status === "retrying" || deferred).toBe(true);
          expect(enqueued).toEqual(next.run.status === "queued" && run !== undefined && run.status !== "queued" ? [{ kind: "enqueue", seq: next.run.seq }] : []);
          // No more attempts than allowed; each earlier one is kept once.
          expect(attemptOf(next.run)).toBeLessThanOrEqual((next.run.maxRetries ?? 0) + 1);
          const earlier = next.run.earlierAttempts ?? [];
          expect(earlier.map((attempt) => attempt.attempt)).toEqual(earlier.map((_, i) => i + 1));
          // The attempt that failed is kept while its retry waits (and when that wait is canceled).
          canceledWaiting ||= next.run.status === "canceled" && run?.status === "retrying";
          const waitedOn = next.run.status === "retrying" || canceledWaiting;
          expect(earlier.length).toBe(attemptOf(next.run) - (waitedOn ? 0 : 1));
          for (const earlier of next.run.earlierAttempts ?? []) expect(["failed", "timed_out"]).toContain(earlier.status);
          // A run waits to retry holding a group only while that group is being stopped.
          if (next.run.status === "retrying" && run?.status !== "retrying") {
            expect(next.run.group !== undefined).toBe(next.effects.some((effect) => effect.kind === "stop-group"));
          }
          if (run?.status === "retrying" && enqueued.length > 0) expect(run.group).toBeUndefined();
          run = next.run;
        }
      }),
      { numRuns: 500 },
    );
  });

  it("changes nothing when an event is replayed", () => {
    fc.assert(
      fc.property(historyArb, eventArb, fc.integer({ min: 0, max: 120_000 }), (history, event, later) => {
        let run: RunRecord | undefined;
        let ms = 0;
        for (const [past, after] of history) {
          ms += after;
          run = transition(run, past, contextAt(ms))?.run ?? run;
        }
        const context = contextAt(ms + later);
        const once = transition(run, event, context);
        if (once === undefined) return;
        const twice = transition(once.run, event, context);
        if (twice !== undefined) {
          expect(twice.run).toStrictEqual(once.run);
          expect(twice.effects.filter((effect) => effect.kind !== "release-group")).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("ends a run whose group was deleted as lost, once its PUT can no longer land, and frees the group", () => {
    const queued = transition(undefined, accepted, contextAt(0))!.run;
    const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!;
    expect(starting.effects).toEqual([{ kind: "dequeue", seq: 7 }, { kind: "claim-group", group: "job-0" }]);
    expect(transition(starting.run, { kind: "group-missing" }, contextAt(startDeadlineMs - 1))).toBeUndefined();
    const lost = transition(starting.run, { kind: "group-missing" }, contextAt(startDeadlineMs))!;
    expect(lost.run.status).toBe("lost");
    expect(lost.effects).toEqual([{ kind: "release-group", group: "job-0" }, { kind: "run-ended", status: "lost" }]);
  });

  it("cancels a running run first and stops its group after; the group is freed once the stop is confirmed", () => {
    const queued = transition(undefined, accepted, contextAt(0))!.run;
    const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    const canceled = transition(starting, { kind: "cancel-requested" }, contextAt(10))!;
    expect(canceled.run.status).toBe("canceled");
    expect(canceled.effects).toEqual([{ kind: "stop-group", group: "job-0" }, { kind: "run-ended", status: "canceled" }]);
    expect(transition(canceled.run, { kind: "stop-confirmed" }, contextAt(20))!.effects).toEqual([{ kind: "release-group", group: "job-0" }]);
    expect(transition(canceled.run, { kind: "cancel-requested" }, contextAt(30))).toBeUndefined();
  });

  it("ends a run past its timeoutSeconds as timed_out, naming the limit, and stops its group once", () => {
    const queued = transition(undefined, acceptedWithLimits(false), contextAt(0))!.run;
    const starting = transition({ ...queued, maxRetries: 0 }, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    const running = transition(starting, { kind: "observed", group: group(runId, states[2]) }, contextAt(10_000))!.run;
    expect(running.status).toBe("running");
    // 10:00:05 + 30 s
    expect(transition(running, { kind: "observed", group: group(runId, states[2]) }, contextAt(34_999))).toBeUndefined();
    const ended = transition(running, { kind: "observed", group: group(runId, states[2]) }, contextAt(35_000))!;
    expect(ended.run.status).toBe("timed_out");
    expect(ended.run.message).toContain("timeoutSeconds (30 s)");
    expect(ended.effects).toEqual([{ kind: "stop-group", group: "job-0" }, { kind: "run-ended", status: "timed_out" }]);
    expect(transition(ended.run, { kind: "deadline-passed", limit: "timeout" }, contextAt(36_000))).toBeUndefined();
  });

  it("times out a run that never starts running within the start limit, and retries it", () => {
    const queued = transition(undefined, acceptedWithLimits(false), contextAt(0))!.run;
    const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    const retrying = transition(starting, { kind: "observed", group: group(runId, states[1]) }, contextAt(90_000))!;
    expect(retrying.run.status).toBe("retrying");
    expect(retrying.run.earlierAttempts).toMatchObject([{ attempt: 1, status: "timed_out", group: "job-0" }]);
    expect(retrying.run.earlierAttempts?.[0]?.message).toContain("TRIGGER_START_TIMEOUT_SECONDS (90 s)");
    expect(retrying.effects).toEqual([
      { kind: "stop-group", group: "job-0" },
      { kind: "schedule-retry", seq: 7, retryAt: new Date(createdMs + 90_000 + 750).toISOString() },
    ]);
    // The retry waits for the stop: the group is freed once it is confirmed, and only then may the retry queue.
    expect(transition(retrying.run, { kind: "retry-due" }, contextAt(100_000))).toBeUndefined();
    const stopped = transition(retrying.run, { kind: "stop-confirmed" }, contextAt(100_000))!;
    expect(stopped.effects).toEqual([{ kind: "release-group", group: "job-0" }]);
    expect(stopped.run).toMatchObject({ status: "retrying" });
    expect(stopped.run.group).toBeUndefined();
    expect(transition(stopped.run, { kind: "retry-due" }, contextAt(100_000))!.run).toMatchObject({ status: "queued", attempt: 2 });
  });

  it("retries a failed attempt after its backoff as the next attempt, at the run's own place in the queue", () => {
    const queued = transition(undefined, acceptedWithLimits(false), contextAt(0))!.run;
    let run = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    for (const attempt of [1, 2]) {
      const failed = transition(run, { kind: "observed", group: group(runId, states[5], attempt) }, contextAt(70_000 * attempt))!;
      expect(failed.run).toMatchObject({ status: "retrying", attempt });
      expect(failed.run.earlierAttempts?.[attempt - 1]).toMatchObject({ attempt, status: "failed", exitCode: 2, group: attempt === 1 ? "job-0" : "job-1" });
      // 1 s then 2 s base, half kept, jitter 0.5
      const wait = [750, 1_500][attempt - 1]!;
      expect(failed.run.retryAt).toBe(new Date(createdMs + 70_000 * attempt + wait).toISOString());
      expect(transition(failed.run, { kind: "retry-due" }, contextAt(70_000 * attempt + wait - 1))).toBeUndefined();
      const due = transition(failed.run, { kind: "retry-due" }, contextAt(70_000 * attempt + wait))!;
      expect(due.run).toMatchObject({ status: "queued", attempt: attempt + 1 });
      expect(due.effects).toEqual([{ kind: "unschedule-retry", seq: 7 }, { kind: "enqueue", seq: 7 }]);
      run = transition(due.run, { kind: "dispatched", group: "job-1" }, contextAt(70_000 * attempt + wait))!.run;
      // The group still shows the attempt before: it does not speak for this one.
      expect(transition(run, { kind: "observed", group: group(runId, states[5], attempt) }, contextAt(70_000 * attempt + wait + 1))).toBeUndefined();
    }
    const last = transition(run, { kind: "observed", group: group(runId, states[5], 3) }, contextAt(300_000))!;
    expect(last.run).toMatchObject({ status: "failed", attempt: 3 });
    expect(last.effects).toEqual([{ kind: "release-group", group: "job-1" }, { kind: "run-ended", status: "failed" }]);
  });

  it("sends a start ARM throttled back to the queue at its own place, as the same attempt, and only an unconfirmed one", () => {
    const queued = transition(undefined, acceptedWithLimits(false), contextAt(0))!.run;
    const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    const deferred = transition(starting, { kind: "put-deferred" }, contextAt(1_000))!;
    expect(deferred.run).toStrictEqual(queued);
    expect(deferred.effects).toEqual([{ kind: "release-group", group: "job-0" }, { kind: "enqueue", seq: 7 }]);
    expect(transition(deferred.run, { kind: "put-deferred" }, contextAt(1_000))).toBeUndefined();
    const again = transition(deferred.run, { kind: "dispatched", group: "job-1" }, contextAt(2_000))!.run;
    expect(again).toMatchObject({ status: "starting", attempt: 1, group: "job-1" });
    // A run ARM has shown carrying its attempt started: its PUT was applied, nothing defers it.
    const confirmed = transition(again, { kind: "observed", group: group(runId, states[1]) }, contextAt(3_000))!.run;
    expect(confirmed.confirmedAt).toBeDefined();
    expect(transition(confirmed, { kind: "put-deferred" }, contextAt(4_000))).toBeUndefined();
  });

  it("retries a timed-out attempt only with retryOnTimeout", () => {
    for (const retryOnTimeout of [false, true]) {
      const queued = transition(undefined, acceptedWithLimits(retryOnTimeout), contextAt(0))!.run;
      const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
      const running = transition(starting, { kind: "observed", group: group(runId, states[2]) }, contextAt(10_000))!.run;
      const after = transition(running, { kind: "deadline-passed", limit: "timeout" }, contextAt(40_000))!;
      expect(after.run.status).toBe(retryOnTimeout ? "retrying" : "timed_out");
      expect(after.effects.filter((effect) => effect.kind === "stop-group")).toHaveLength(1);
    }
  });

  it("cancels a run waiting to retry without another attempt", () => {
    const queued = transition(undefined, acceptedWithLimits(false), contextAt(0))!.run;
    const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    const retrying = transition(starting, { kind: "observed", group: group(runId, states[5]) }, contextAt(70_000))!.run;
    const canceled = transition(retrying, { kind: "cancel-requested" }, contextAt(70_001))!;
    expect(canceled.run.status).toBe("canceled");
    expect(canceled.run.retryAt).toBeUndefined();
    expect(canceled.effects).toEqual([{ kind: "unschedule-retry", seq: 7 }, { kind: "run-ended", status: "canceled" }]);
    expect(transition(canceled.run, { kind: "retry-due" }, contextAt(200_000))).toBeUndefined();
  });

  it("keeps the log of the attempt a run waits to retry after, through a cancel, and starts the next attempt without it", () => {
    const queued = transition(undefined, acceptedWithLimits(false), contextAt(0))!.run;
    const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    const running = transition(starting, { kind: "observed", group: group(runId, states[2]) }, contextAt(10_000))!.run;
    expect(transition(running, { kind: "log-archived", complete: true }, contextAt(20_000))).toBeUndefined();
    const retrying = transition(running, { kind: "observed", group: group(runId, states[5]) }, contextAt(70_000))!.run;
    const archived = transition(retrying, { kind: "log-archived", complete: true }, contextAt(70_001))!;
    expect(archived.run).toMatchObject({ status: "retrying", log: "complete" });
    expect(archived.effects).toEqual([]);
    expect(transition(archived.run, { kind: "cancel-requested" }, contextAt(70_002))!.run).toMatchObject({ status: "canceled", log: "complete" });
    const due = transition(archived.run, { kind: "retry-due" }, contextAt(200_000))!.run;
    expect(due).toMatchObject({ status: "queued", attempt: 2 });
    expect(due.log).toBeUndefined();
  });

  it("never retries a cancel or a lost run", () => {
    const queued = transition(undefined, acceptedWithLimits(true), contextAt(0))!.run;
    const starting = transition(queued, { kind: "dispatched", group: "job-0" }, contextAt(0))!.run;
    expect(transition(starting, { kind: "cancel-requested" }, contextAt(1))!.run.status).toBe("canceled");
    expect(transition(starting, { kind: "group-missing" }, contextAt(startDeadlineMs))!.run.status).toBe("lost");
  });
});
