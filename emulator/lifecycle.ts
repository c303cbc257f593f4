import { containersOf, restartPolicyOf, type Container } from "./wire.js";

/**
 * The simulated life of one run of a container group, computed lazily from timestamps so no
 * timer is needed and tests can run in milliseconds. A run begins with each PUT, start or
 * restart. From its start: `pendingMs` in provisioningState Pending, `creatingMs` in Creating
 * (images pulled), then Succeeded; each container then runs `runMs` and exits with its exit code.
 * A container's own env `EMULATOR_RUN_MS` / `EMULATOR_EXIT_CODE` override the defaults for it;
 * `EMULATOR_PENDING_MS` / `EMULATOR_CREATING_MS` in any container's env (the largest wins) set
 * the provisioning phases of the whole group.
 */
export interface Timings {
  pendingMs: number;
  creatingMs: number;
  runMs: number;
}

export interface ContainerState {
  state: "Waiting" | "Running" | "Terminated";
  startTime?: string;
  exitCode?: number;
  finishTime?: string;
  detailStatus: string;
}

export interface PlannedContainer extends Container {
  runMs: number;
  exitCode: number;
  /** The container's last state in the run before this one. */
  previousState?: ContainerState;
}

export interface Run {
  startedAt: number;
  creatingAt: number;
  readyAt: number;
  restartPolicy: string;
  containers: PlannedContainer[];
  initContainers: PlannedContainer[];
  /** Set by a stop that interrupted the run. */
  stoppedAt?: number;
}

export interface ContainerView {
  restartCount: number;
  currentState: ContainerState;
  previousState?: ContainerState;
  events: WireEvent[];
}

export interface WireEvent {
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  name: string;
  message: string;
  type: "Normal";
}

/** Exit code and detail of a container the emulator killed (stop, or a new run replacing it). */
export const killedExitCode = 137;

export function planRun(body: unknown, timings: Timings, exitCode: number, now: number, previous?: Run): Run {
  const pendingMs = groupEnvNumber(body, "EMULATOR_PENDING_MS") ?? timings.pendingMs;
  const creatingMs = groupEnvNumber(body, "EMULATOR_CREATING_MS") ?? timings.creatingMs;
  const readyAt = now + pendingMs + creatingMs;
  const plan = (container: Container, list: "containers" | "initContainers"): PlannedContainer => {
    const before = previous?.[list].find((c) => c.name === container.name);
    const previousState = previous && before ? containerView(previous, before, now).currentState : undefined;
    return {
      ...container,
      runMs: envNumber(container, "EMULATOR_RUN_MS") ?? (list === "containers" ? timings.runMs : 0),
      exitCode: envNumber(container, "EMULATOR_EXIT_CODE") ?? (list === "containers" ? exitCode : 0),
      ...(previousState ? { previousState: finalState(previousState, now) } : {}),
    };
  };
  return {
    startedAt: now,
    creatingAt: now + pendingMs,
    readyAt,
    restartPolicy: restartPolicyOf(body),
    containers: containersOf(body, "containers").map((c) => plan(c, "containers")),
    initContainers: containersOf(body, "initContainers").map((c) => plan(c, "initContainers")),
  };
}

export function provisioningState(run: Run, now: number): "Pending" | "Creating" | "Succeeded" {
  if (now < run.creatingAt) return "Pending";
  if (now < run.readyAt) return "Creating";
  return "Succeeded";
}

/** ARM refuses writes while provisioning is neither Succeeded nor Failed. */
export function isTransitioning(run: Run, now: number): boolean {
  return provisioningState(run, now) !== "Succeeded";
}

/**
 * Group `instanceView.state`: Pending until provisioned, Stopped after a stop, Running while any
 * container runs, then Succeeded, or Failed when a container exited non-zero. With restartPolicy
 * Always (every exit) or OnFailure (non-zero exits) containers restart at once, so the group
 * stays Running.
 */
export function groupState(run: Run, now: number): "Pending" | "Running" | "Stopped" | "Succeeded" | "Failed" {
  if (run.stoppedAt !== undefined) return "Stopped";
  if (provisioningState(run, now) !== "Succeeded") return "Pending";
  const states = run.containers.map((c) => containerView(run, c, now).currentState);
  if (states.some((s) => s.state !== "Terminated")) return "Running";
  return states.some((s) => s.exitCode !== 0) ? "Failed" : "Succeeded";
}

export function containerView(run: Run, container: PlannedContainer, now: number): ContainerView {
  const t = Math.min(now, run.stoppedAt ?? now);
  const events: WireEvent[] = [];
  const previous = container.previousState ? { previousState: container.previousState } : {};
  if (t >= run.creatingAt) events.push(event("Pulling", `pulling image "${container.image}"`, run.creatingAt));
  if (t < run.readyAt) return { restartCount: 0, currentState: { state: "Waiting", detailStatus: "" }, ...previous, events };
  events.push(event("Pulled", `Successfully pulled image "${container.image}"`, run.readyAt));
  const restarts = run.restartPolicy === "Always" || (run.restartPolicy === "OnFailure" && container.exitCode !== 0);
  const cycle = Math.max(container.runMs, 1);
  const n = restarts ? Math.floor((t - run.readyAt) / cycle) : 0;
  const startedAt = run.readyAt + n * cycle;
  events.push({ ...event("Started", "Started container", run.readyAt), count: n + 1, lastTimestamp: iso(startedAt) });
  const exited = (start: number): ContainerState => ({
    state: "Terminated",
    startTime: iso(start),
    exitCode: container.exitCode,
    finishTime: iso(start + container.runMs),
    detailStatus: container.exitCode === 0 ? "Completed" : "Error",
  });
  const restartPrevious = n > 0 ? { previousState: exited(startedAt - cycle) } : previous;
  if (!restarts && t >= run.readyAt + container.runMs) {
    return { restartCount: 0, currentState: exited(run.readyAt), ...previous, events };
  }
  const running: ContainerState = { state: "Running", startTime: iso(startedAt), detailStatus: "" };
  if (run.stoppedAt !== undefined) {
    events.push(event("Killing", "Killing container", run.stoppedAt));
    return { restartCount: n, currentState: finalState(running, run.stoppedAt), ...restartPrevious, events };
  }
  return { restartCount: n, currentState: running, ...restartPrevious, events };
}

/** A state as it ends when the run is interrupted at `at`: anything not yet terminated is killed. */
function finalState(state: ContainerState, at: number): ContainerState {
  if (state.state === "Terminated") return state;
  return {
    state: "Terminated",
    ...(state.startTime ? { startTime: state.startTime } : {}),
    exitCode: killedExitCode,
    finishTime: iso(at),
    detailStatus: "Killed",
  };
}

function envNumber(container: Container, name: string): number | undefined {
  const variable = container.env.find((v) => v.name === name);
  const raw = variable?.value ?? variable?.secureValue;
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

function groupEnvNumber(body: unknown, name: string): number | undefined {
  const values = containersOf(body).map((c) => envNumber(c, name)).filter((v) => v !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
}

function event(name: string, message: string, at: number): WireEvent {
  return { count: 1, firstTimestamp: iso(at), lastTimestamp: iso(at), name, message, type: "Normal" };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
