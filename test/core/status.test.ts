import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireContainerGroup, WireContainerState, WireEvent } from "../../service/core/arm-types.js";
import { isRunActive, type InstanceRunView, runStatus } from "../../service/core/status.js";

interface Shape {
  provisioningState?: string;
  groupState?: string;
  target?: WireContainerState;
  restartPolicy?: "Always" | "OnFailure" | "Never";
  groupEvents?: WireEvent[];
  containerEvents?: WireEvent[];
  noInstanceView?: boolean;
}

function group(shape: Shape): WireContainerGroup {
  return {
    properties: {
      osType: "Linux",
      ...(shape.provisioningState ? { provisioningState: shape.provisioningState } : {}),
      ...(shape.restartPolicy ? { restartPolicy: shape.restartPolicy } : {}),
      ...(shape.noInstanceView ? {} : { instanceView: { ...(shape.groupState ? { state: shape.groupState } : {}), events: shape.groupEvents ?? [] } }),
      containers: [
        {
          name: "job",
          properties: {
            image: "example/job:1",
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
            instanceView: { restartCount: 0, ...(shape.target ? { currentState: shape.target } : {}), events: shape.containerEvents ?? [] },
          },
        },
        {
          name: "sidecar",
          properties: {
            image: "example/sidecar:1",
            resources: { requests: { cpu: 1, memoryInGB: 1 } },
            instanceView: { currentState: { state: "Terminated", exitCode: 2, detailStatus: "Error" } },
          },
        },
      ],
    },
  };
}

const started = "2024-05-01T10:00:00Z";
const finished = "2024-05-01T10:05:00Z";
const running: WireContainerState = { state: "Running", startTime: started, detailStatus: "" };
const completed: WireContainerState = { state: "Terminated", startTime: started, finishTime: finished, exitCode: 0, detailStatus: "Completed" };
const crashed: WireContainerState = { state: "Terminated", startTime: started, finishTime: finished, exitCode: 3, detailStatus: "Error" };
const waiting: WireContainerState = { state: "Waiting", startTime: started, detailStatus: "" };

const table: [string, Shape, Omit<InstanceRunView, "id">][] = [
  ["a group still provisioning is starting", { provisioningState: "Pending", groupState: "Pending" }, { status: "starting" }],
  ["a group being created is starting", { provisioningState: "Creating", target: waiting }, { status: "starting" }],
  ["a group updating is starting, with nothing taken from the previous run's instance view", { provisioningState: "Updating", groupState: "Failed", target: crashed }, { status: "starting" }],
  ["an accepted deployment is starting", { provisioningState: "Accepted" }, { status: "starting" }],
  ["a repairing group is starting", { provisioningState: "Repairing", groupState: "Running", target: running }, { status: "starting" }],
  ["a group without an instance view is starting", { provisioningState: "Succeeded", noInstanceView: true }, { status: "starting" }],
  ["a running target in a running group is running", { provisioningState: "Succeeded", groupState: "Running", target: running }, { status: "running", startedAt: started }],
  ["a waiting target in a running group is starting", { provisioningState: "Succeeded", groupState: "Running", target: waiting }, { status: "starting", startedAt: started }],
  ["a succeeded group is succeeded", { provisioningState: "Succeeded", groupState: "Succeeded", target: completed }, { status: "succeeded", exitCode: 0, startedAt: started, finishedAt: finished }],
  ["a failed group is failed with the target's detail", { provisioningState: "Succeeded", groupState: "Failed", target: crashed }, { status: "failed", exitCode: 3, message: "Error", startedAt: started, finishedAt: finished }],
  ["a target exiting non-zero under a restarting policy is failed", { provisioningState: "Succeeded", groupState: "Running", target: crashed, restartPolicy: "OnFailure" }, { status: "failed", exitCode: 3, message: "Error", startedAt: started, finishedAt: finished }],
  ["a stopped group is canceled", { provisioningState: "Succeeded", groupState: "Stopped", target: crashed }, { status: "canceled", exitCode: 3, startedAt: started, finishedAt: finished }],
  ["a target done while a sidecar runs on is succeeded", { provisioningState: "Succeeded", groupState: "Running", target: completed, restartPolicy: "Never" }, { status: "succeeded", exitCode: 0, startedAt: started, finishedAt: finished }],
  ["a target done under restart policy Always runs again", { provisioningState: "Succeeded", groupState: "Running", target: completed, restartPolicy: "Always" }, { status: "running", startedAt: started }],
  ["an unknown group state is starting", { provisioningState: "Succeeded", groupState: "Surprising" }, { status: "starting" }],
];

describe("runStatus", () => {
  it.each(table)("%s", (_title, shape, expected) => {
    expect(runStatus(group(shape), "run-1")).toStrictEqual({ id: "run-1", ...expected });
  });

  it("reads the named target container instead of the first", () => {
    const view = runStatus(group({ provisioningState: "Succeeded", groupState: "Running", target: running }), "run-1", "sidecar");
    expect(view).toStrictEqual({ id: "run-1", status: "failed", exitCode: 2, message: "Error" });
  });

  it("explains a failed provisioning with the latest warning event", () => {
    const view = runStatus(
      group({
        provisioningState: "Failed",
        groupState: "Pending",
        target: waiting,
        containerEvents: [
          { name: "Pulling", message: "pulling image", type: "Normal", lastTimestamp: "2024-05-01T10:00:01Z" },
          { name: "Failed", message: "Failed to pull image \"example/job:1\"", type: "Warning", lastTimestamp: "2024-05-01T10:00:02Z" },
          { name: "BackOff", message: "Back-off pulling image", type: "Normal", lastTimestamp: "2024-05-01T10:00:03Z" },
        ],
      }),
      "run-1",
    );
    expect(view).toStrictEqual({ id: "run-1", status: "failed", message: "Failed: Failed to pull image \"example/job:1\"", startedAt: started });
  });

  it("explains a failed provisioning with a group event when no event is a warning", () => {
    const view = runStatus(
      group({
        provisioningState: "Failed",
        groupState: "Pending",
        groupEvents: [{ name: "FailedMount", message: "Output: mount error(2): Permission denied", type: "Normal", lastTimestamp: "2017-10-08T00:19:10Z" }],
        containerEvents: [{ name: "Pulled", message: "Successfully pulled image", type: "Normal", lastTimestamp: "2017-08-08T00:09:10Z" }],
      }),
      "run-1",
    );
    expect(view.message).toBe("FailedMount: Output: mount error(2): Permission denied");
  });

  it("says provisioning failed when no event explains it", () => {
    expect(runStatus(group({ provisioningState: "Failed" }), "run-1")).toStrictEqual({
      id: "run-1",
      status: "failed",
      message: "The container group failed to provision.",
    });
  });

  it("never throws, whatever shape the group has", () => {
    const anything = fc.anything({ withNullPrototype: true, maxDepth: 4 });
    const oddGroup = fc.oneof(
      anything,
      fc.record({ properties: fc.oneof(anything, fc.record({ containers: anything, instanceView: anything, provisioningState: anything })) }),
      fc.record({
        properties: fc.record({
          provisioningState: fc.constantFrom("Failed", "Succeeded", "Pending", 7),
          instanceView: fc.oneof(anything, fc.record({ state: anything, events: fc.array(anything) })),
          containers: fc.array(fc.oneof(anything, fc.record({ name: anything, properties: fc.record({ instanceView: fc.record({ currentState: anything, events: anything }) }) }))),
        }),
      }),
    );
    fc.assert(
      fc.property(oddGroup, fc.option(fc.string(), { nil: undefined }), (odd, target) => {
        const view = runStatus(odd as WireContainerGroup, "run-1", target);
        expect(["starting", "running", "succeeded", "failed", "canceled"]).toContain(view.status);
        expect(typeof isRunActive(odd as WireContainerGroup, target)).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});

describe("isRunActive", () => {
  it.each(table)("agrees with runStatus when %s", (_title, shape, expected) => {
    expect(isRunActive(group(shape))).toBe(expected.status === "starting" || expected.status === "running");
  });
});
