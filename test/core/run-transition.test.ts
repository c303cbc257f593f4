import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireContainerGroup, WireContainerState } from "../../service/core/arm-types.js";
import { runIdTagName } from "../../service/core/carried-run.js";
import { isTerminal, type RunRecord } from "../../service/core/run.js";
import { allowedMoves, transition, type RunEvent, type TransitionContext } from "../../service/core/run-transition.js";
import { runIdEnvName } from "../../service/core/trigger-env-names.js";

const runId = "0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b";
const createdMs = Date.parse("2024-05-01T10:00:00.000Z");
const startDeadlineMs = 60_000;

const accepted: RunEvent = {
  kind: "accepted",
  run: { id: runId, env: {}, createdAt: new Date(createdMs).toISOString(), requestHash: "a".repeat(64), seq: 7 },
};

function group(carries: string | undefined, target: WireContainerState | undefined): WireContainerGroup {
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
            environmentVariables: carries ? [{ name: runIdEnvName, value: carries }] : [],
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
  fc.constantFrom("job-0", "job-1").map((name): RunEvent => ({ kind: "dispatched", group: name })),
  fc.constant<RunEvent>({ kind: "put-applied" }),
  fc.constant<RunEvent>({ kind: "put-failed", message: "refused" }),
  fc.constant<RunEvent>({ kind: "start-refused", message: "cannot start" }),
  fc.record({ carries: fc.constantFrom(runId, "another-run", undefined), target: fc.constantFrom(...states) }).map(
    ({ carries, target }): RunEvent => ({ kind: "observed", group: group(carries, target) }),
  ),
  fc.constant<RunEvent>({ kind: "group-missing" }),
  fc.constant<RunEvent>({ kind: "cancel-requested" }),
  fc.constant<RunEvent>({ kind: "stop-confirmed" }),
  fc.constant<RunEvent>({ kind: "deadline-passed", message: "too long" }),
);

/** Events each at a time after the last (0 to 2 minutes later): deadlines pass in some sequences. */
const historyArb = fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 120_000 })), { maxLength: 25 });

function contextAt(ms: number): TransitionContext {
  return { now: new Date(createdMs + ms), startDeadlineMs };
}

describe("the transition function", () => {
  it("never makes a move the table does not allow, and never moves a final status", () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        let run: RunRecord | undefined;
        let ms = 0;
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
          // A group is freed only by a run that has ended.
          if (next.effects.some((effect) => effect.kind === "release-group")) expect(isTerminal(next.run.status)).toBe(true);
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
});
