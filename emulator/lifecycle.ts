import { numberedDurationMs, type NumberedLines } from "./numbered-lines.js";
import { containersOf, restartPolicyOf, type Container } from "./wire.js";

/**
 * The simulated life of one run of a container group, computed lazily from timestamps so no
 * timer is needed and tests can run in milliseconds. A run begins with each PUT, start or
 * restart. From its start: `pendingMs` in provisioningState Pending, `creatingMs` in Creating
 * (images pulled), then Succeeded; each container then runs `runMs` and exits with its exit code.
 * A container's own env `EMULATOR_RUN_MS` / `EMULATOR_EXIT_CODE` override the defaults for it;
 * `EMULATOR_EXIT_CODES` ("1,1,0") gives one exit code per attempt, picked by the container's
 * TRIGGER_ATTEMPT (the last code for later attempts), so a test can fail a run's first attempts;
 * `EMULATOR_PENDING_MS` / `EMULATOR_CREATING_MS` in any container's env (the largest wins) set
 * the provisioning phases of the whole group. A non-empty `EMULATOR_PULL_FAILURE` in a container's
 * env makes its image pull fail at the end of Creating: provisioning then reads Failed, nothing
 * starts, and the run's async operation fails (FACTS.md §2, §6). A restart provisions as
 * `Updating` instead of Pending and Creating, as ARM reads it after `POST .../restart`.
 * `EMULATOR_LOG_LINES` / `EMULATOR_LOG_LINES_PER_SECOND` make a container print numbered lines
 * (see numbered-lines.ts); its run then lasts at least until its last line.
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
  /** Its image pull fails at the end of Creating, which fails the whole deployment. */
  pullFails: boolean;
  /** The numbered lines it prints after its env lines, when it prints any. */
  numbered?: NumberedLines;
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
  /** Begun by `POST .../restart`: provisions as Updating. */
  restart?: boolean;
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
  type: "Normal" | "Warning";
}

/** Exit code of a container killed because a new run replaced its run. */
export const killedExitCode = 137;
/** ACI's detailStatus of a container a stop terminated; such a state has no exit code. */
export const stoppedDetail = "Container stopped per client request";

export type ProvisioningState = "Pending" | "Creating" | "Updating" | "Succeeded" | "Failed";

export function planRun(body: unknown, timings: Timings, exitCode: number, now: number, previous?: Run, options: { restart?: boolean } = {}): Run {
  const pendingMs = groupEnvNumber(body, "EMULATOR_PENDING_MS") ?? timings.pendingMs;
  const creatingMs = groupEnvNumber(body, "EMULATOR_CREATING_MS") ?? timings.creatingMs;
  const readyAt = now + pendingMs + creatingMs;
  const plan = (container: Container, list: "containers" | "initContainers"): PlannedContainer => {
    const before = previous?.[list].find((c) => c.name === container.name);
    const previousState = previous && before ? lastState(previous, before, now) : undefined;
    const numbered = numberedLinesOf(container);
    const runMs = envNumber(container, "EMULATOR_RUN_MS") ?? (list === "containers" ? timings.runMs : 0);
    return {
      ...container,
      runMs: Math.max(runMs, numbered ? numberedDurationMs(numbered) : 0),
      exitCode: attemptExitCode(container) ?? envNumber(container, "EMULATOR_EXIT_CODE") ?? (list === "containers" ? exitCode : 0),
      pullFails: envText(container, "EMULATOR_PULL_FAILURE") !== undefined,
      ...(numbered ? { numbered } : {}),
      ...(previousState ? { previousState } : {}),
    };
  };
  return {
    startedAt: now,
    creatingAt: now + pendingMs,
    readyAt,
    restartPolicy: restartPolicyOf(body),
    containers: containersOf(body, "containers").map((c) => plan(c, "containers")),
    initContainers: containersOf(body, "initContainers").map((c) => plan(c, "initContainers")),
    ...(options.restart ? { restart: true } : {}),
  };
}

export function provisioningState(run: Run, now: number): ProvisioningState {
  if (now < run.readyAt && run.restart) return "Updating";
  if (now < run.creatingAt) return "Pending";
  if (now < run.readyAt) return "Creating";
  return failedPulls(run).length > 0 ? "Failed" : "Succeeded";
}

/** ARM refuses writes while provisioning is neither Succeeded nor Failed. */
export function isTransitioning(run: Run, now: number): boolean {
  const state = provisioningState(run, now);
  return state !== "Succeeded" && state !== "Failed";
}

/**
 * Why the run's provisioning failed, once it has: the message of the first failed image pull and
 * the events of the containers whose pull failed, as the failed async operation reports them.
 */
export function provisioningFailure(run: Run, now: number): { message: string; events: WireEvent[] } | undefined {
  const failed = failedPulls(run);
  if (now < run.readyAt || failed.length === 0) return undefined;
  const events = failed.flatMap((c) => containerView(run, c, now).events);
  return { message: events.find((e) => e.type === "Warning")?.message ?? "", events };
}

/** Every container's events at `now`, init containers first, as an async operation lists them. */
export function runEvents(run: Run, now: number): WireEvent[] {
  return [...run.initContainers, ...run.containers].flatMap((c) => containerView(run, c, now).events);
}

function failedPulls(run: Run): PlannedContainer[] {
  return [...run.initContainers, ...run.containers].filter((c) => c.pullFails);
}

/**
 * Group `instanceView.state`: Pending until provisioned (for good when provisioning failed),
 * Stopped after a stop, Running while any container runs, then Succeeded, or Failed when a
 * container exited non-zero. With restartPolicy Always (every exit) or OnFailure (non-zero exits)
 * containers restart at once, so the group stays Running.
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
  const waiting = (): ContainerView => ({ restartCount: 0, currentState: { state: "Waiting", detailStatus: "" }, ...previous, events });
  if (t < run.readyAt) return waiting();
  if (container.pullFails) {
    events.push(event("Failed", pullFailureMessage(container.image), run.readyAt, "Warning"));
    return waiting();
  }
  events.push(event("Pulled", `Successfully pulled image "${container.image}"`, run.readyAt));
  // A failed pull of another image fails the deployment: this container never starts.
  if (failedPulls(run).length > 0) return waiting();
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
  // What ARM shows after a stop: the running state moves to previousState (ACI logs no event).
  if (run.stoppedAt !== undefined) {
    return { restartCount: n, currentState: { state: "Terminated", finishTime: iso(run.stoppedAt), detailStatus: stoppedDetail }, previousState: running, events };
  }
  return { restartCount: n, currentState: running, ...restartPrevious, events };
}

/** The text containerd gives ACI when an image does not exist. */
function pullFailureMessage(image: string): string {
  return `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
}

/**
 * The state a container leaves its run in when a new run replaces it at `at`. One that never
 * started (still Waiting, or its deployment failed) has none of its own: it keeps the one before.
 */
function lastState(run: Run, container: PlannedContainer, at: number): ContainerState | undefined {
  const view = containerView(run, container, at);
  return view.currentState.state === "Waiting" ? view.previousState : finalState(view.currentState, at);
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

/** A knob's plain or secure value, when it is a non-empty string. */
function envText(container: Container, name: string): string | undefined {
  const variable = container.env.find((v) => v.name === name);
  const raw = variable?.value ?? variable?.secureValue;
  return typeof raw === "string" && raw !== "" ? raw : undefined;
}

function envNumber(container: Container, name: string): number | undefined {
  const raw = envText(container, name);
  const value = raw !== undefined && raw.trim() !== "" ? Number(raw) : Number.NaN;
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The numbered lines EMULATOR_LOG_LINES asks for, at EMULATOR_LOG_LINES_PER_SECOND (0: all at once). */
function numberedLinesOf(container: Container): NumberedLines | undefined {
  const count = envNumber(container, "EMULATOR_LOG_LINES") ?? 0;
  return count > 0 ? { count, perSecond: envNumber(container, "EMULATOR_LOG_LINES_PER_SECOND") ?? 0 } : undefined;
}

/** The exit code EMULATOR_EXIT_CODES gives the container's TRIGGER_ATTEMPT (1 when it has none). */
function attemptExitCode(container: Container): number | undefined {
  const raw = envText(container, "EMULATOR_EXIT_CODES");
  if (raw === undefined) return undefined;
  const codes = raw.split(",").map((code) => (code.trim() === "" ? Number.NaN : Number(code)));
  if (!codes.every((code) => Number.isInteger(code) && code >= 0)) return undefined;
  const attempt = envNumber(container, "TRIGGER_ATTEMPT") ?? 1;
  return codes[Math.min(Math.max(attempt, 1), codes.length) - 1];
}

function groupEnvNumber(body: unknown, name: string): number | undefined {
  const values = containersOf(body).map((c) => envNumber(c, name)).filter((v) => v !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
}

function event(name: string, message: string, at: number, type: WireEvent["type"] = "Normal"): WireEvent {
  return { count: 1, firstTimestamp: iso(at), lastTimestamp: iso(at), name, message, type };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
