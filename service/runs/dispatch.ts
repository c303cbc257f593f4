import type { FinalLogCopy } from "./final-log-copy.js";
import type { WireContainerGroup } from "../core/arm-types.js";
import type { ArmPort, PutOutcome } from "../arm/arm-port.js";
import { backoffMs, type ArmRetryOptions } from "../arm/arm-retry.js";
import { baseDefinition } from "../core/base-definition.js";
import { carriesRun, targetContainer } from "../core/carried-run.js";
import type { WantedBase } from "../core/wanted-base.js";
import type { RunDefaults } from "../core/run-defaults.js";
import { recreateBody } from "../core/recreate-body.js";
import { attemptOf, type RunRecord } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import type { Logger } from "../logger.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import type { AciSecrets } from "../core/secrets.js";
import { isRunActive } from "../core/status.js";
import type { GroupLease, RunStore, Stored } from "../store/run-store.js";
import { StoreUnavailable } from "../store/store-errors.js";
import { applyTransition, type WebhookTarget } from "./apply-transition.js";
import type { GroupReads } from "./group-reads.js";
import type { Prepared } from "./prepared.js";
import { prepareStandbyRun, type StandbyDispatch } from "./standby-dispatch.js";
import type { WireClaim } from "../core/standby-claim.js";
import type { DispatchPause } from "./dispatch-pause.js";

/**
 * What the run service and the reconcile loop share, built once by the entry point and passed to
 * both: the pool, its ports, and the rules of starting a run on it.
 */
export interface DispatchDeps {
  store: RunStore;
  arm: ArmPort;
  /** the pool, in the order groups are tried */
  groups: readonly string[];
  secrets: AciSecrets;
  /** The container whose exit decides the run's status and whose logs are served; default the first. */
  container?: string;
  /** The image the target container runs from the next run on (ACI_CONTAINER_IMAGE); default the group's. */
  containerImage?: string;
  /** The target container's env and command before any run (ACI_CONTAINER_BASE); default the stored or learned one. */
  containerBase?: WantedBase;
  /** The process's shared reads of the pool's groups (`createGroupReads(arm)`). */
  reads: GroupReads;
  /** The ARM calls' retry design: a start's PUTs share its deadline and backoff. */
  retry: ArmRetryOptions;
  /** How long after its claim a run's PUT may still land (`startDeadlineMs(retry)` in service). */
  startDeadlineMs: number;
  now: () => Date;
  logger: Logger;
  /** Spans and metrics; `noTelemetry` when none is configured. */
  telemetry: Telemetry;
  /** where runs' events go, and which origins a run's own URL may name; unset: no webhooks */
  webhook?: WebhookTarget;
  /** what a run gets when its request does not say, the start's limit and the retries' backoff */
  runDefaults?: RunDefaults;
  /** the backoff's jitter source, [0, 1); default Math.random */
  random?: () => number;
  /** the log archive's last copy of an ended run, awaited before its group is reused or deleted; unset: no archive */
  finalLogCopy?: FinalLogCopy;
  /** Set in standby mode: `groups` are slots, and each run claims a group of its own (runs/standby-dispatch.ts). */
  standby?: StandbyDispatch;
  /** Until when the reconcile loop claims nothing: ARM throttled a start; unset, never paused. */
  pause?: DispatchPause;
}

export type { Prepared } from "./prepared.js";

/**
 * Reads `lease`'s group (or takes a read begun after `since`, see `GroupReads`) and builds the
 * one PUT that starts `run` on it. A group whose latest
 * deployment is still going (someone else's: the lease says no run of ours holds it) is busy;
 * the service never PUTs over a running group. A group that does not exist is busy too, with the
 * reason: `pulumi up` deletes a group before it creates its replacement, and the rest of the pool
 * keeps serving meanwhile.
 */
export async function prepareRun(deps: DispatchDeps, lease: Stored<GroupLease>, run: RunRecord, since: number): Promise<Prepared> {
  if (deps.standby) return prepareStandbyRun(deps, deps.standby, lease, run);
  // The re-create below leaves nothing of the attempt before; its log is copied first, within its deadline.
  if (lease.logOwed && deps.finalLogCopy) await deps.finalLogCopy.settleOwed(lease.group, lease.logOwed, { since });
  let group: WireContainerGroup;
  try {
    group = await deps.reads.read(lease.group, since);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "ContainerGroupNotFound") return { ok: false, busy: true, missing: error };
    throw error;
  }
  if (isRunActive(group, deps.container)) return { ok: false, busy: true };
  const target = targetContainer(group, deps.container);
  if (!target) return { ok: false, busy: false, refusal: { ok: false, code: "ContainerNotFound", container: deps.container ?? "" } };
  const wanted = deps.containerBase && { base: deps.containerBase, secureNames: Object.keys(deps.secrets.env?.[target.name] ?? {}) };
  const { base } = baseDefinition(target, lease.base, wanted);
  const result = recreateBody({
    group,
    request: { env: run.env, ...(run.command ? { command: run.command } : {}) },
    secrets: deps.secrets,
    base,
    runId: run.id,
    attempt: attemptOf(run),
    ...(deps.container ? { targetContainer: deps.container } : {}),
    ...(deps.containerImage ? { image: deps.containerImage } : {}),
  });
  if (!result.ok) return { ok: false, busy: false, refusal: result };
  return { ok: true, body: result.body, group: lease.group, lease: { ...lease, base } };
}

/** Stops a group; what was read of it before no longer serves. */
export async function stopGroup(deps: Pick<DispatchDeps, "arm" | "reads">, group: string): Promise<void> {
  deps.reads.forget(group);
  await deps.arm.stop(group);
}

/** Records that `run` did not start (no PUT applied) and frees its group. */
async function recordNotStarted(deps: DispatchDeps, run: Stored<RunRecord>, message: string): Promise<void> {
  await applyTransition(deps, run, { kind: "put-failed", message });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends the one PUT of a run that holds its group in the store, and settles what came of it:
 * accepted; an unclear outcome read back from ARM (the group carries the run: started; it does
 * not: not started, recorded, 502); a transitioning group read again and decided again, until the
 * start's deadline (the retry design's, counted from the claim); a PUT throttled past that
 * deadline with nothing applied sent back to the queue (answered: the run as queued again, and the
 * dispatch paused for ARM's Retry-After); a refusal recorded as the run's failure. Throws the
 * caller-facing error when the run did not start and was not queued again.
 */
export async function sendRun(deps: DispatchDeps, run: Stored<RunRecord>, body: WireContainerGroup | WireClaim): Promise<Stored<RunRecord> | undefined> {
  const group = run.group ?? "";
  const attributes = { runId: run.id, group, ...(run.attempt !== undefined ? { attempt: run.attempt } : {}) };
  const deferred = await deps.telemetry.span("dispatch", attributes, () => putRun(deps, run, body, group));
  if (deferred === undefined) deps.telemetry.dispatched(Math.max(0, Date.now() - Date.parse(run.createdAt)), attributes);
  return deferred;
}

async function putRun(deps: DispatchDeps, run: Stored<RunRecord>, body: WireContainerGroup | WireClaim, group: string): Promise<Stored<RunRecord> | undefined> {
  // Counted from the claim, so that `startDeadlineMs` bounds every PUT of the run.
  const deadline = (run.claimedAt ? Date.parse(run.claimedAt) : Date.now()) + deps.retry.deadlineMs;
  try {
    // A claim the store took longer than the deadline to record sends nothing: a PUT sent now
    // could land after the start deadline, when the run may already count as never started.
    if (Date.now() >= deadline) throw new StoreUnavailable(undefined);
    for (let retry = 0; ; retry += 1) {
      deps.reads.forget(group);
      const outcome = await putOrDefer(deps, run, body, group, deadline);
      if (outcome.kind === "deferred") return outcome.run;
      if (outcome.kind === "accepted") return undefined;
      const read = await deps.arm.read(group);
      if (carriesRun(read, run, deps.container)) return undefined;
      if (outcome.kind === "unclear") {
        throw new ServiceError("ArmUnavailable", "Azure Resource Manager did not confirm the start, and the group does not carry the run: it did not start.");
      }
      if (isRunActive(read, deps.container)) {
        throw new ServiceError("RunInProgress", "The container group is busy with a deployment that is not one of this service's runs.");
      }
      const wait = backoffMs(deps.retry.backoff, retry);
      if (Date.now() + wait > deadline) {
        throw new ServiceError("ArmBusy", "Azure Resource Manager kept the container group transitioning; retry later.", { retryAfterMs: wait });
      }
      await sleep(wait);
    }
  } catch (error) {
    const reason = error instanceof ServiceError ? error.message : "The service failed while starting the run.";
    deps.logger.warn("run not started", { runId: run.id, group, code: error instanceof ServiceError ? error.code : "InternalError" });
    await recordNotStarted(deps, run, reason);
    throw error;
  }
}

/**
 * The PUT; one ARM throttled (429, the only `ArmBusy` a PUT throws) past the deadline, with the
 * group not carrying the run, goes back to the queue at its own place instead of failing: a
 * creates quota is met with the queue. The dispatch pauses for ARM's Retry-After meanwhile.
 */
async function putOrDefer(deps: DispatchDeps, run: Stored<RunRecord>, body: WireContainerGroup | WireClaim, group: string, deadline: number): Promise<PutOutcome | { kind: "deferred"; run: Stored<RunRecord> }> {
  try {
    return await deps.arm.put(group, body, deadline);
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== "ArmBusy" || (await carriedNow(deps, group, run))) throw error;
    const slot = deps.standby ? (await deps.store.view()).leases.find((lease) => lease.runId === run.id) : undefined;
    const applied = await applyTransition(deps, run, { kind: "put-deferred" }, slot);
    if (applied.effects.length === 0) throw error;
    const wait = error.retryAfterMs ?? 0;
    deps.pause?.pauseUntil(deps.now().getTime() + wait);
    deps.logger.warn("run start deferred: ARM throttled its PUT", { runId: run.id, group, retryAfterMs: wait });
    return { kind: "deferred", run: applied.run };
  }
}

/** Whether `group` carries the run now; a group that does not exist carries nothing. */
async function carriedNow(deps: DispatchDeps, group: string, run: RunRecord): Promise<boolean> {
  try {
    return carriesRun(await deps.arm.read(group), run, deps.container);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "ContainerGroupNotFound") return false;
    throw error;
  }
}
