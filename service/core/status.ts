import type { WireContainerGroup, WireContainerState, WireEvent } from "./arm-types.js";
import type { RunStatus } from "./run.js";

/** A run's status as the group's instance view alone tells it. */
export interface InstanceRunView {
  id: string;
  status: Extract<RunStatus, "starting" | "running" | "succeeded" | "failed" | "canceled">;
  exitCode?: number;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** how often ACI restarted the target container (it may, even under restart policy Never) */
  restartCount?: number;
}

/** Provisioning states of a deployment still on its way (FACTS §5, §6). */
const provisioningInProgress: ReadonlySet<string> = new Set([
  "Pending", "Creating", "Updating", "Accepted", "Repairing", "PreProvisioned", "Created", "NotSpecified",
]);

// Everything below reads the group defensively: it maps whatever ARM (or a hand-edited group)
// returns, and a status read must never throw.
type Loose = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Loose)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function targetOf(group: unknown, targetContainer: string | undefined): unknown {
  const containers = list(field(field(group, "properties"), "containers"));
  return targetContainer === undefined ? containers[0] : containers.find((c) => field(c, "name") === targetContainer);
}

function containerState(container: unknown): WireContainerState & { restartCount?: number } {
  const view = field(field(container, "properties"), "instanceView");
  const state = field(view, "currentState");
  const previous = field(view, "previousState");
  const exitCode = field(state, "exitCode");
  const restartCount = field(view, "restartCount");
  // A container stopped by the client reads Terminated with no start time and no exit code; ARM
  // moves the Running state it was in, with its start, to previousState.
  const stoppedWhileRunning = text(field(state, "state")) === "Terminated" && text(field(previous, "state")) === "Running";
  return {
    state: text(field(state, "state")),
    startTime: text(field(state, "startTime")) ?? (stoppedWhileRunning ? text(field(previous, "startTime")) : undefined),
    finishTime: text(field(state, "finishTime")),
    detailStatus: text(field(state, "detailStatus")),
    exitCode: typeof exitCode === "number" && Number.isInteger(exitCode) ? exitCode : undefined,
    restartCount: typeof restartCount === "number" && Number.isInteger(restartCount) ? restartCount : undefined,
  };
}

function events(owner: unknown): WireEvent[] {
  return list(field(field(owner, "instanceView"), "events")).map((e) => ({
    name: text(field(e, "name")),
    message: text(field(e, "message")),
    type: text(field(e, "type")),
    lastTimestamp: text(field(e, "lastTimestamp")),
  }));
}

function isFailureEvent(e: WireEvent): boolean {
  return e.type === "Warning" || (e.name ?? "").startsWith("Failed");
}

/**
 * Why provisioning failed, from the events: the latest failure-looking event (a Warning, or one
 * named Failed*), else the latest event at all; group events and every container's are searched,
 * since an image pull failure is reported on the container and a mount failure on the group.
 */
function failureMessage(group: unknown): string {
  const properties = field(group, "properties");
  const all = [
    ...events(properties),
    ...[...list(field(properties, "initContainers")), ...list(field(properties, "containers"))].flatMap((c) => events(field(c, "properties"))),
  ].filter((e) => e.message !== undefined);
  const candidates = all.some(isFailureEvent) ? all.filter(isFailureEvent) : all;
  const latest = candidates.reduce<WireEvent | undefined>(
    (best, e) => (best === undefined || (e.lastTimestamp ?? "") >= (best.lastTimestamp ?? "") ? e : best),
    undefined,
  );
  if (!latest) return "The container group failed to provision.";
  return latest.name ? `${latest.name}: ${latest.message}` : (latest.message ?? "");
}

function statusOf(group: unknown, target: WireContainerState): Pick<InstanceRunView, "status" | "message"> {
  const properties = field(group, "properties");
  const provisioning = text(field(properties, "provisioningState"));
  const groupState = text(field(field(properties, "instanceView"), "state"));

  if (provisioning === "Failed") return { status: "failed", message: failureMessage(group) };
  if (provisioning === "Canceled" || provisioning === "Deleting" || groupState === "Stopped") return { status: "canceled" };
  if (target.state === "Terminated" && target.exitCode !== undefined && target.exitCode !== 0) {
    return { status: "failed", ...(target.detailStatus ? { message: target.detailStatus } : {}) };
  }
  switch (groupState) {
    case "Succeeded":
      return { status: "succeeded" };
    case "Failed":
      return { status: "failed", message: target.detailStatus ?? failureMessage(group) };
    case "Running":
      if (target.state === "Running") return { status: "running" };
      // A target that finished cleanly while sidecars keep the group running has done its run,
      // unless the restart policy is Always, which starts it again.
      if (target.state === "Terminated" && target.exitCode === 0) {
        // ARM leaves restartPolicy out of a group created without one; ACI then applies Always.
        return { status: (text(field(properties, "restartPolicy")) ?? "Always") === "Always" ? "running" : "succeeded" };
      }
      return { status: "starting" };
    default:
      return { status: "starting" };
  }
}

/**
 * The status of the group's current run, read from its instance view (the target container is
 * the first one unless named). Never throws: any unexpected shape maps to a status.
 */
export function runStatus(group: WireContainerGroup, runId: string, targetContainer?: string): InstanceRunView {
  const provisioning = text(field(field(group, "properties"), "provisioningState"));
  // The instance view of a deployment still provisioning describes the previous one.
  if (provisioning !== undefined && provisioningInProgress.has(provisioning)) return { id: runId, status: "starting" };
  const target = containerState(targetOf(group, targetContainer));
  const { status, message } = statusOf(group, target);
  const finished = status === "succeeded" || status === "failed" || status === "canceled";
  return {
    id: runId,
    status,
    ...(finished && target.exitCode !== undefined && target.state === "Terminated" ? { exitCode: target.exitCode } : {}),
    ...(message ? { message } : {}),
    ...(target.startTime ? { startedAt: target.startTime } : {}),
    ...(finished && target.finishTime ? { finishedAt: target.finishTime } : {}),
    ...(target.restartCount ? { restartCount: target.restartCount } : {}),
  };
}

/**
 * True while the group's latest deployment — a trigger run or not — has not reached a terminal
 * state, judged exactly as `runStatus` judges it, so the two never disagree.
 */
export function isRunActive(group: WireContainerGroup, targetContainer?: string): boolean {
  const { status } = runStatus(group, "", targetContainer);
  return status === "starting" || status === "running";
}
