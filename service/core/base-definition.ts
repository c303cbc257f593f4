import type { WireContainer } from "./arm-types.js";
import { currentBase, legacyBase, type BaseEnv } from "./base-env.js";
import { containerRunId } from "./carried-run.js";
import { type WantedBase, wantedBaseEnv } from "./wanted-base.js";

/**
 * The target container's env and command before any run — what each run starts from — and
 * whether the store must learn it anew.
 *
 * The service tells its own run env from an operator's change by one mark: a definition the
 * service PUT carries TRIGGER_RUN_ID on the target container. A target with that mark holds a
 * previous run's env, so the base is the one the store kept. A target without it was defined by
 * someone else (the first deployment, a `pulumi up`, the portal), so its env and command are the
 * new base. Every other property (image, resources, sidecars) is always taken from the group as
 * read, so an operator's change of those reaches the next run either way.
 *
 * A marked target with no stored base (a store created after runs happened) falls back to the
 * bookkeeping variable of versions before the store, or to its env without the service's names.
 *
 * When the stack defines the base (`wanted`, with the secure names ACI_SECRETS holds for the
 * target), it wins over both: a change of the stack's env or command reaches the next run without
 * re-deploying the group.
 */
export function baseDefinition(
  target: WireContainer,
  stored: BaseEnv | undefined,
  wanted?: { base: WantedBase; secureNames: readonly string[] },
): { base: BaseEnv; learned: boolean } {
  if (wanted) return { base: wantedBaseEnv(wanted.base, wanted.secureNames), learned: true };
  if (containerRunId(target) !== undefined && stored) return { base: stored, learned: false };
  return { base: legacyBase(target) ?? currentBase(target), learned: true };
}
