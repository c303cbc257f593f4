import type { StandbyPort } from "../arm/standby-port.js";
import type { WireContainer } from "../core/arm-types.js";
import { attemptOf, isTerminal, type RunRecord } from "../core/run.js";
import { claimBody, secureNamesOf, standbyGroupName, type StandbyTarget } from "../core/standby-claim.js";
import type { GroupLease, Stored } from "../store/run-store.js";
import { StoreConflict } from "../store/store-errors.js";
import { applyTransition } from "./apply-transition.js";
import type { Prepared } from "./prepared.js";
import type { AciSecrets } from "../core/secrets.js";
import type { FinalLogCopy } from "./final-log-copy.js";
import type { GroupReads } from "./group-reads.js";
import type { WriterDeps } from "./apply-transition.js";

/**
 * The standby dispatch: a run's attempt claims a group of its own, named for it, from the standby
 * pool; the store's leases are the deployment's quota of groups (`slot-001` …), taken and freed
 * by the same compare-and-set as a pool group's. A slot is freed only once its group is deleted.
 */
export interface StandbyDispatch {
  port: StandbyPort;
  target: StandbyTarget;
  /** The profile's containers, read once per process (a failed read is tried again). */
  profileContainers(): Promise<WireContainer[]>;
}

/** The virtual slots of a quota of `count` groups: the leases of the standby mode. */
export function standbySlots(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `slot-${String(i + 1).padStart(3, "0")}`);
}

export function createStandbyDispatch(port: StandbyPort, target: StandbyTarget): StandbyDispatch {
  let containers: Promise<WireContainer[]> | undefined;
  return {
    port,
    target,
    profileContainers: () => {
      containers ??= port.profileContainers().catch((error: unknown) => {
        containers = undefined;
        throw error;
      });
      return containers;
    },
  };
}

/** The claim of `run`'s attempt on the free slot `lease`: no group to read, the body is the claim. */
export async function prepareStandbyRun(deps: { container?: string; secrets: AciSecrets }, standby: StandbyDispatch, lease: Stored<GroupLease>, run: RunRecord): Promise<Prepared> {
  const containers = await standby.profileContainers();
  const target = deps.container === undefined ? containers[0] : containers.find((container) => container.name === deps.container);
  if (!target) return { ok: false, busy: false, refusal: { ok: false, code: "ContainerNotFound", container: deps.container ?? "" } };
  const result = claimBody({
    runId: run.id,
    attempt: attemptOf(run),
    request: run,
    target: standby.target,
    container: target.name,
    secureNames: secureNamesOf(target, deps.secrets.env?.[target.name]),
  });
  if (!result.ok) return { ok: false, busy: false, refusal: result };
  return { ok: true, body: result.body, lease, group: standbyGroupName(run.id, attemptOf(run)) };
}

/** The group an ended attempt of `run` held: its current one, or the last earlier attempt's. */
function endedGroup(run: RunRecord): string | undefined {
  return run.group ?? run.earlierAttempts?.at(-1)?.group;
}

/**
 * Frees the slot `lease` of a run that ended (or waits to retry): the final copy of its log, then
 * the DELETE of its group, then the slot. A claim still in flight (never seen landing, within the
 * start deadline) is waited for, so that no group it creates outlives its slot. Each step is safe to
 * repeat, so replicas meeting on one slot, or a replica that died half-way, leave nothing behind.
 */
export async function settleStandbySlot(deps: WriterDeps & { reads: GroupReads; finalLogCopy?: FinalLogCopy }, standby: StandbyDispatch, lease: Stored<GroupLease>, run: Stored<RunRecord> | undefined): Promise<void> {
  const group = run && endedGroup(run);
  if (run && group) {
    const claimed = run.claimedAt === undefined ? 0 : Date.parse(run.claimedAt);
    if (run.confirmedAt === undefined && run.group !== undefined && deps.now().getTime() - claimed < deps.startDeadlineMs) return;
    if (isTerminal(run.status)) await deps.finalLogCopy?.finish(run);
    deps.reads.forget(group);
    await standby.port.deleteGroup(group);
    // A retrying attempt's group is gone: its run may join the queue again.
    if (run.status === "retrying" && run.group) await applyTransition(deps, run, { kind: "stop-confirmed" });
  }
  try {
    await deps.store.releaseLease(lease);
  } catch (error) {
    if (!(error instanceof StoreConflict)) throw error;
  }
}
