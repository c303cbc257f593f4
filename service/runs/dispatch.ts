import type { WireContainerGroup } from "../core/arm-types.js";
import type { ArmPort } from "../arm/arm-port.js";
import { baseDefinition } from "../core/base-definition.js";
import { carriesRun, targetContainer } from "../core/carried-run.js";
import type { WantedBase } from "../core/wanted-base.js";
import { recreateBody, type RecreateRefusal } from "../core/recreate-body.js";
import type { RunRecord } from "../core/run.js";
import { ServiceError } from "../core/service-error.js";
import type { Logger } from "../logger.js";
import type { AciSecrets } from "../core/secrets.js";
import { isRunActive } from "../core/status.js";
import type { GroupLease, RunStore, Stored } from "../store/run-store.js";
import { StoreConflict } from "../store/store-errors.js";

export interface DispatchDeps {
  store: RunStore;
  arm: ArmPort;
  secrets: AciSecrets;
  container?: string;
  /** The image the target container runs from the next run on (ACI_CONTAINER_IMAGE); default the group's. */
  containerImage?: string;
  /** The target container's env and command before any run (ACI_CONTAINER_BASE); default the stored or learned one. */
  containerBase?: WantedBase;
  now: () => Date;
  logger: Logger;
  /** the waits between reads of a transitioning group */
  sleep?: (ms: number) => Promise<void>;
  transitioningDelayMs?: number;
  /** how long a start may keep trying a transitioning group */
  callBudgetMs: number;
}

/** A group read from ARM, judged for one run: the PUT body and the base to keep, or why not. */
export type Prepared =
  | { ok: true; body: WireContainerGroup; lease: Stored<GroupLease> }
  | { ok: false; busy: true; missing?: ServiceError }
  | { ok: false; busy: false; refusal: RecreateRefusal };

/**
 * Reads `lease`'s group and builds the one PUT that starts `run` on it. A group whose latest
 * deployment is still going (someone else's: the lease says no run of ours holds it) is busy;
 * the service never PUTs over a running group. A group that does not exist is busy too, with the
 * reason: `pulumi up` deletes a group before it creates its replacement, and the rest of the pool
 * keeps serving meanwhile.
 */
export async function prepareRun(deps: DispatchDeps, lease: Stored<GroupLease>, run: RunRecord): Promise<Prepared> {
  let group: WireContainerGroup;
  try {
    group = await deps.arm.read(lease.group);
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
    ...(deps.container ? { targetContainer: deps.container } : {}),
    ...(deps.containerImage ? { image: deps.containerImage } : {}),
  });
  if (!result.ok) return { ok: false, busy: false, refusal: result };
  return { ok: true, body: result.body, lease: { ...lease, base } };
}

/**
 * Writes `change` over the run with a compare-and-set, reading again after each lost race; the
 * change sees the run as it is now and may decline (undefined) when it no longer applies.
 */
export async function settleRun(
  store: RunStore,
  run: Stored<RunRecord>,
  change: (current: Stored<RunRecord>) => { next: RunRecord; release?: Stored<GroupLease> } | undefined,
): Promise<Stored<RunRecord>> {
  let current = run;
  for (let attempt = 0; ; attempt += 1) {
    const decided = change(current);
    if (!decided) return current;
    try {
      return await store.updateRun(current, decided.next, decided.release);
    } catch (error) {
      if (!(error instanceof StoreConflict) || attempt >= 20) throw error;
      const fresh = await store.getRun(current.id);
      if (!fresh) throw error;
      current = fresh;
    }
  }
}

/** The lease of `group` as the store has it now (its ETag moves with every write). */
export async function currentLease(store: RunStore, group: string): Promise<Stored<GroupLease> | undefined> {
  return (await store.view()).leases.find((lease) => lease.group === group);
}

/** Records that `run` did not start (no PUT applied) and frees its group. */
async function recordNotStarted(deps: DispatchDeps, run: Stored<RunRecord>, message: string): Promise<void> {
  const lease = run.group ? await currentLease(deps.store, run.group) : undefined;
  const finishedAt = deps.now().toISOString();
  await settleRun(deps.store, run, (current) =>
    current.status === "starting" && current.confirmedAt === undefined
      ? {
          next: { ...current, status: "failed", finishedAt, message },
          ...(lease && lease.runId === current.id ? { release: lease } : {}),
        }
      : undefined,
  );
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends the one PUT of a run that holds its group in the store, and settles what came of it:
 * accepted; an unclear outcome read back from ARM (the group carries the run: started; it does
 * not: not started, recorded, 502); a transitioning group read again and decided again; a refusal
 * recorded as the run's failure. Throws the caller-facing error when the run did not start.
 */
export async function sendRun(deps: DispatchDeps, run: Stored<RunRecord>, body: WireContainerGroup): Promise<void> {
  const group = run.group ?? "";
  const sleep = deps.sleep ?? defaultSleep;
  const deadline = Date.now() + deps.callBudgetMs;
  let delayMs = deps.transitioningDelayMs ?? 1_000;
  try {
    for (;;) {
      const outcome = await deps.arm.put(group, body);
      if (outcome.kind === "accepted") return;
      const read = await deps.arm.read(group);
      if (carriesRun(read, run.id, deps.container)) return;
      if (outcome.kind === "unclear") {
        throw new ServiceError("ArmUnavailable", "Azure Resource Manager did not confirm the start, and the group does not carry the run: it did not start.");
      }
      if (isRunActive(read, deps.container)) {
        throw new ServiceError("RunInProgress", "The container group is busy with a deployment that is not one of this service's runs.");
      }
      if (Date.now() + delayMs > deadline) {
        throw new ServiceError("ArmBusy", "Azure Resource Manager kept the container group transitioning; retry later.", {
          retryAfterMs: delayMs,
        });
      }
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, 10_000);
    }
  } catch (error) {
    const reason = error instanceof ServiceError ? error.message : "The service failed while starting the run.";
    deps.logger.warn("run not started", { runId: run.id, group, code: error instanceof ServiceError ? error.code : "InternalError" });
    await recordNotStarted(deps, run, reason);
    throw error;
  }
}
