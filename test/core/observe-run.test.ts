import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireContainerGroup, WireContainerState } from "../../service/core/arm-types.js";
import { runIdTagName } from "../../service/core/carried-run.js";
import { type ObserveContext, observeRun, type RunPatch } from "../../service/core/observe-run.js";
import { activeRunStatuses, type RunRecord, type RunStatus, terminalRunStatuses } from "../../service/core/run.js";
import { attemptEnvName, runIdEnvName } from "../../service/core/trigger-env-names.js";

const runId = "0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b";
const claimedAt = "2024-05-01T10:00:00.000Z";
const deadlineMs = 60_000;
const now = new Date("2024-05-01T10:10:00.000Z");
const context: ObserveContext = { now, startDeadlineMs: deadlineMs };

const started = "2024-05-01T10:00:05Z";
const finished = "2024-05-01T10:05:00Z";
const running: WireContainerState = { state: "Running", startTime: started, detailStatus: "" };
const completed: WireContainerState = { state: "Terminated", startTime: started, finishTime: finished, exitCode: 0, detailStatus: "Completed" };
const crashed: WireContainerState = { state: "Terminated", startTime: started, finishTime: finished, exitCode: 3, detailStatus: "Error" };

function record(fields: Partial<RunRecord> = {}): RunRecord {
  return {
    id: runId,
    status: "starting",
    group: "job-0",
    env: {},
    createdAt: "2024-05-01T09:59:59.000Z",
    requestHash: "a".repeat(64),
    seq: 1,
    claimedAt,
    ...fields,
  };
}

interface Shape {
  /** the run id the tag and the target's TRIGGER_RUN_ID name; undefined: neither */
  carries?: string | undefined;
  /** the run id only the tag names (the env names `carries`) */
  tag?: string;
  provisioningState?: string;
  groupState?: string;
  target?: WireContainerState;
  restartPolicy?: "Always" | "OnFailure" | "Never";
  /** how often ACI restarted the target on its own */
  restartCount?: number;
  /** the TRIGGER_ATTEMPT the target carries; default none (attempt 1) */
  attempt?: number;
}

function group(shape: Shape): WireContainerGroup {
  const tag = shape.tag ?? shape.carries;
  return {
    name: "job-0",
    tags: { owner: "team", ...(tag ? { [runIdTagName]: tag } : {}) },
    properties: {
      osType: "Linux",
      provisioningState: shape.provisioningState ?? "Succeeded",
      restartPolicy: shape.restartPolicy ?? "Never",
      instanceView: { state: shape.groupState ?? "Running", events: [] },
      containers: [
        {
          name: "job",
          properties: {
            image: "example/job:1",
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
            environmentVariables: [
              { name: "MODE", value: "batch" },
              ...(shape.carries ? [{ name: runIdEnvName, value: shape.carries }] : []),
              ...(shape.attempt ? [{ name: attemptEnvName, value: String(shape.attempt) }] : []),
            ],
            instanceView: { restartCount: shape.restartCount ?? 0, ...(shape.target ? { currentState: shape.target } : {}) },
          },
        },
      ],
    },
  };
}

const carrying = (shape: Omit<Shape, "carries"> = {}) => group({ carries: runId, ...shape });
const lostMessage = expect.stringContaining("re-created or restarted outside the service");

function at(ms: number): ObserveContext {
  return { ...context, now: new Date(Date.parse(claimedAt) + ms) };
}

function applied(run: RunRecord, patch: RunPatch | undefined): RunRecord {
  return { ...run, ...patch };
}

describe("observeRun", () => {
  it("leaves a queued run alone, whatever its group shows", () => {
    expect(observeRun(record({ status: "queued" }), carrying({ groupState: "Succeeded", target: completed }), context)).toBeUndefined();
    expect(observeRun(record({ status: "queued", confirmedAt: claimedAt }), undefined, context)).toBeUndefined();
  });

  it.each(terminalRunStatuses)("never changes a %s run, whatever its group shows", (status) => {
    const run = record({ status, confirmedAt: claimedAt, startedAt: started, finishedAt: finished });
    expect(observeRun(run, carrying({ target: running }), context)).toBeUndefined();
    expect(observeRun(run, carrying({ groupState: "Failed", target: crashed }), context)).toBeUndefined();
    expect(observeRun(run, group({ carries: "another-run" }), context)).toBeUndefined();
    expect(observeRun(run, undefined, context)).toBeUndefined();
  });

  it("records a confirmed run whose group carries another run as lost", () => {
    const run = record({ status: "running", confirmedAt: claimedAt, startedAt: started });
    expect(observeRun(run, group({ carries: "another-run", target: running }), context)).toStrictEqual({
      status: "lost",
      finishedAt: now.toISOString(),
      message: lostMessage,
    });
  });

  it("records a confirmed run as lost when its group is gone or re-created by someone else", () => {
    const run = record({ status: "running", confirmedAt: claimedAt });
    expect(observeRun(run, undefined, context)).toMatchObject({ status: "lost", finishedAt: now.toISOString() });
    expect(observeRun(run, group({ carries: undefined, target: running }), context)).toMatchObject({ status: "lost" });
  });

  it("does not take a group whose tag alone names the run as carrying it", () => {
    const run = record({ status: "running", confirmedAt: claimedAt });
    expect(observeRun(run, group({ carries: "another-run", tag: runId, target: running }), context)).toMatchObject({ status: "lost" });
    expect(observeRun(run, group({ carries: runId, tag: "another-run", target: running }), context)).toMatchObject({ status: "lost" });
  });

  it("waits for an unconfirmed run while its PUT may still be in flight", () => {
    const run = record({ status: "starting" });
    expect(observeRun(run, group({ carries: undefined, target: completed }), at(0))).toBeUndefined();
    expect(observeRun(run, group({ carries: undefined, target: completed }), at(deadlineMs - 1))).toBeUndefined();
    expect(observeRun(run, undefined, at(deadlineMs - 1))).toBeUndefined();
  });

  it("records an unconfirmed run its group never carried by the start deadline as failed", () => {
    const run = record({ status: "starting" });
    const expected = { status: "failed", finishedAt: at(deadlineMs).now.toISOString(), message: expect.stringContaining("never started") };
    expect(observeRun(run, group({ carries: undefined, target: completed }), at(deadlineMs))).toStrictEqual(expected);
    expect(observeRun(run, undefined, at(deadlineMs + 1))).toMatchObject({ status: "failed" });
  });

  it("confirms a starting run its group carries while it still provisions", () => {
    expect(observeRun(record(), carrying({ provisioningState: "Pending", groupState: "Pending" }), context)).toStrictEqual({
      confirmedAt: now.toISOString(),
      image: "example/job:1",
    });
  });

  it("confirms a run and records it running with its start time", () => {
    expect(observeRun(record(), carrying({ target: running }), context)).toStrictEqual({
      status: "running",
      confirmedAt: now.toISOString(),
      image: "example/job:1",
      startedAt: started,
    });
  });

  it("records the image of the target container when it first finds the run, and never changes it", () => {
    const sidecarFirst = carrying({ target: running });
    sidecarFirst.properties.containers.unshift({
      name: "proxy",
      properties: { image: "example/proxy:7", resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } } },
    });
    sidecarFirst.properties.containers[1]!.properties.image = "example/job:2";
    const patch = observeRun(record(), sidecarFirst, { ...context, container: "job" });
    expect(patch).toMatchObject({ image: "example/job:2" });

    const confirmed = applied(record(), patch);
    const rolledOut = carrying({ groupState: "Succeeded", target: completed });
    rolledOut.properties.containers[0]!.properties.image = "example/job:3";
    expect(observeRun(confirmed, rolledOut, { ...context, container: "job" })).not.toHaveProperty("image");
  });

  it.each<[string, Omit<Shape, "carries">, RunPatch]>([
    ["a succeeded run with its end time and exit code", { groupState: "Succeeded", target: completed }, { status: "succeeded", finishedAt: finished, exitCode: 0 }],
    ["a failed run with its exit code and the container's detail", { groupState: "Failed", target: crashed }, { status: "failed", finishedAt: finished, exitCode: 3, message: "Error" }],
  ])("records %s", (_title, shape, expected) => {
    const run = record({ status: "running", confirmedAt: claimedAt, startedAt: started });
    expect(observeRun(run, carrying(shape), context)).toStrictEqual(expected);
  });

  it("records a run that ended before it was first seen in one patch", () => {
    expect(observeRun(record(), carrying({ groupState: "Succeeded", target: completed }), context)).toStrictEqual({
      status: "succeeded",
      confirmedAt: now.toISOString(),
      image: "example/job:1",
      startedAt: started,
      finishedAt: finished,
      exitCode: 0,
    });
  });

  it("records a run whose group was stopped as canceled, saying so", () => {
    const run = record({ status: "running", confirmedAt: claimedAt, startedAt: started });
    expect(observeRun(run, carrying({ groupState: "Stopped", target: { ...crashed, exitCode: 137 } }), context)).toStrictEqual({
      status: "canceled",
      finishedAt: finished,
      exitCode: 137,
      message: "The container group was stopped outside the service.",
    });
  });

  it("takes the observation time as the end of a run whose end Azure does not give", () => {
    const run = record({ status: "starting", confirmedAt: claimedAt });
    expect(observeRun(run, carrying({ provisioningState: "Failed", groupState: "Pending" }), context)).toStrictEqual({
      status: "failed",
      finishedAt: now.toISOString(),
      message: "The container group failed to provision.",
    });
  });

  it("has nothing to record when the group shows what the run already says", () => {
    const run = record({ status: "running", confirmedAt: claimedAt, startedAt: started });
    expect(observeRun(run, carrying({ target: running }), context)).toBeUndefined();
  });

  it("records a restart of a run-once target as lost, so an old run never reports a new start", () => {
    const run = record({ status: "running", confirmedAt: claimedAt, startedAt: "2024-05-01T10:00:01Z" });
    expect(observeRun(run, carrying({ target: running, restartPolicy: "Never" }), context)).toStrictEqual({
      status: "lost",
      finishedAt: now.toISOString(),
      message: lostMessage,
    });
  });

  it("records ACI's own restart of a run-once target in restartCount, as the same attempt", () => {
    const run = record({ status: "running", confirmedAt: claimedAt, startedAt: "2024-05-01T10:00:01Z" });
    const restarted = carrying({ target: running, restartPolicy: "Never", restartCount: 1 });
    expect(observeRun(run, restarted, context)).toStrictEqual({ restartCount: 1 });
    expect(observeRun({ ...run, restartCount: 1 }, restarted, context)).toBeUndefined();
    const ended = observeRun({ ...run, restartCount: 1 }, carrying({ groupState: "Failed", target: crashed, restartPolicy: "Never", restartCount: 1 }), context);
    expect(ended).toMatchObject({ status: "failed", exitCode: 3 });
  });

  it("never lets an earlier attempt's container speak for a later attempt", () => {
    const second = record({ attempt: 2 });
    expect(observeRun(second, carrying({ target: crashed, groupState: "Failed" }), { ...context, now: new Date(Date.parse(claimedAt) + 1_000) })).toBeUndefined();
    expect(observeRun(second, carrying({ target: crashed, groupState: "Failed", attempt: 2 }), context)).toMatchObject({ status: "failed" });
  });

  it("keeps the first start time of a target its restart policy starts again", () => {
    const first = "2024-05-01T10:00:01Z";
    const run = record({ status: "running", confirmedAt: claimedAt, startedAt: first });
    expect(observeRun(run, carrying({ target: running, restartPolicy: "OnFailure" }), context)).toBeUndefined();
    expect(observeRun(run, carrying({ groupState: "Succeeded", target: completed, restartPolicy: "OnFailure" }), context)).toStrictEqual({
      status: "succeeded",
      finishedAt: finished,
      exitCode: 0,
    });
  });

  it("reads the named target container", () => {
    const observed = carrying({ target: running });
    observed.properties.containers = observed.properties.containers.map((c) => ({ ...c, name: "worker" }));
    expect(observeRun(record(), observed, { ...context, container: "worker" })).toMatchObject({ status: "running" });
    expect(observeRun(record({ confirmedAt: claimedAt }), observed, { ...context, container: "other" })).toMatchObject({ status: "lost" });
  });

  describe("over arbitrary observations", () => {
    const stateArb = fc.constantFrom<WireContainerState | undefined>(undefined, running, completed, crashed, { ...running, startTime: "2024-05-01T10:00:09Z" });
    const shapeArb: fc.Arbitrary<Shape> = fc.record({
      carries: fc.constantFrom(runId, "another-run", undefined),
      provisioningState: fc.constantFrom("Succeeded", "Pending", "Failed"),
      groupState: fc.constantFrom("Running", "Succeeded", "Failed", "Stopped", "Pending"),
      target: stateArb,
      restartPolicy: fc.constantFrom("Always" as const, "OnFailure" as const, "Never" as const),
    });
    const runArb = fc
      .record({
        status: fc.constantFrom<RunStatus>(...activeRunStatuses, ...terminalRunStatuses),
        confirmed: fc.boolean(),
        startedAt: fc.constantFrom(undefined, started, "2024-05-01T10:00:01Z"),
      })
      .map(({ status, confirmed, startedAt }) => record({ status, ...(confirmed ? { confirmedAt: claimedAt } : {}), ...(startedAt ? { startedAt } : {}) }));
    const elapsedArb = fc.integer({ min: 0, max: 2 * deadlineMs });
    const observedArb = fc.option(shapeArb.map(group), { nil: undefined });

    it("never changes a run that has ended, nor records one as queued", () => {
      fc.assert(
        fc.property(runArb, observedArb, elapsedArb, (run, observed, elapsed) => {
          const patch = observeRun(run, observed, at(elapsed));
          if (run.status === "queued" || terminalRunStatuses.some((s) => s === run.status)) expect(patch).toBeUndefined();
          expect(patch?.status).not.toBe("queued");
        }),
        { numRuns: 300 },
      );
    });

    it("has nothing more to record when the same group is observed again", () => {
      fc.assert(
        fc.property(runArb, observedArb, elapsedArb, (run, observed, elapsed) => {
          const once = applied(run, observeRun(run, observed, at(elapsed)));
          expect(observeRun(once, observed, at(elapsed))).toBeUndefined();
        }),
        { numRuns: 300 },
      );
    });

    it("records the start, end and exit code of a run once, never overwriting them", () => {
      fc.assert(
        fc.property(runArb, observedArb, observedArb, elapsedArb, (run, first, second, elapsed) => {
          const once = applied(run, observeRun(run, first, at(elapsed)));
          const patch = observeRun(once, second, at(elapsed));
          if (once.startedAt !== undefined) expect(patch?.startedAt).toBeUndefined();
          if (once.finishedAt !== undefined) expect(patch).toBeUndefined();
        }),
        { numRuns: 300 },
      );
    });
  });
});
