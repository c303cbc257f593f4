import type { WireContainerGroup } from "./arm-types.js";
import { runStatus } from "./status.js";
import { carriesRun, targetContainer } from "./carried-run.js";
import { attemptEnded, isTerminal, type RunRecord } from "./run.js";

/** The fields of a run that observing its group may change. */
export type RunPatch = Partial<Pick<RunRecord, "status" | "startedAt" | "finishedAt" | "exitCode" | "message" | "confirmedAt" | "image" | "restartCount" | "startPath">>;

export interface ObserveContext {
  now: Date;
  /** the target container; default the group's first */
  container?: string;
  /**
   * How long after its claim a run's one PUT may still be in flight. Past it, a group that does
   * not carry the run means the start never happened.
   */
  startDeadlineMs: number;
}

const lostMessage =
  "The container group was re-created or restarted outside the service before this run's end was recorded; its outcome is unknown.";

/** Which way a group made from a container group profile came to be; nothing for any other group. */
function startPathOf(group: WireContainerGroup): Pick<RunPatch, "startPath"> {
  const fromPool = group.properties["isCreatedFromStandbyPool"];
  if (group.properties["containerGroupProfile"] === undefined || typeof fromPool !== "boolean") return {};
  return { startPath: fromPool ? "standby" : "cold" };
}

function changed(run: RunRecord, patch: RunPatch): RunPatch | undefined {
  const entries = Object.entries(patch).filter(([key, value]) => value !== undefined && run[key as keyof RunRecord] !== value);
  return entries.length > 0 ? (Object.fromEntries(entries) as RunPatch) : undefined;
}

/**
 * What the store should record about `run` after reading its group from ARM (undefined: nothing
 * new). Pure: the caller writes the patch with a compare-and-set.
 *
 * The instance view speaks for a run only while the group carries the run's id. A group that
 * does not carry it any more ended the run in a way nobody recorded (`lost`); one that never
 * carried it past the start deadline means the start did not happen (`failed`). A group that
 * carries it but whose target container started again (restart policy Never: only a restart from
 * outside does that) is `lost` too, so an old run never reports a new deployment. The first read
 * that finds the run records the image it runs, so history tells which runs a rollout reached.
 */
export function observeRun(run: RunRecord, group: WireContainerGroup | undefined, context: ObserveContext): RunPatch | undefined {
  if (attemptEnded(run) || run.status === "queued") return undefined;
  const now = context.now.toISOString();

  if (group === undefined || !carriesRun(group, run, context.container)) {
    if (run.confirmedAt !== undefined) return { status: "lost", finishedAt: now, message: lostMessage };
    const claimed = run.claimedAt === undefined ? 0 : Date.parse(run.claimedAt);
    if (context.now.getTime() - claimed < context.startDeadlineMs) return undefined;
    return { status: "failed", finishedAt: now, message: "Azure never started this run: its container group was not re-created with it." };
  }

  const view = runStatus(group, run.id, context.container);
  // A container claimed from a standby pool was started long before its run (FACTS §3); its run
  // starts at the claim, so deadlines count from then, as they do for a re-created group.
  const claimed = run.claimedAt === undefined ? undefined : Date.parse(run.claimedAt);
  if (view.startedAt !== undefined && claimed !== undefined && Date.parse(view.startedAt) < claimed) view.startedAt = run.claimedAt;
  const restartPolicy = group.properties?.restartPolicy ?? "Always";
  // ACI may restart a failed container even under Never; it counts that in restartCount, and the
  // restart stays the same attempt (recorded, not counted again). A new start with no count is a
  // restart from outside, which starts the count again.
  const restartedByAci = (view.restartCount ?? 0) > 0;
  if (run.startedAt !== undefined && view.startedAt !== undefined && view.startedAt !== run.startedAt && restartPolicy === "Never" && !restartedByAci) {
    return { status: "lost", finishedAt: now, message: lostMessage };
  }
  // A target waiting to restart (restart policy OnFailure) reads "starting" again: a run that
  // was seen running stays running until it ends.
  const status = view.status === "starting" && run.status === "running" ? "running" : view.status;
  return changed(run, {
    status,
    ...(run.confirmedAt === undefined ? { confirmedAt: now, image: targetContainer(group, context.container)?.properties.image, ...startPathOf(group) } : {}),
    ...(view.startedAt && run.startedAt === undefined ? { startedAt: view.startedAt } : {}),
    ...(view.restartCount ? { restartCount: view.restartCount } : {}),
    ...(isTerminal(status)
      ? {
          finishedAt: view.finishedAt ?? now,
          ...(view.exitCode !== undefined ? { exitCode: view.exitCode } : {}),
          ...(view.message !== undefined ? { message: view.message } : status === "canceled" ? { message: "The container group was stopped outside the service." } : {}),
        }
      : {}),
  });
}
