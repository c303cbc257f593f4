import type { ArmPort } from "../arm/arm-port.js";
import type { StandbyPort } from "../arm/standby-port.js";
import type { Config } from "../config.js";
import { ServiceError } from "../core/service-error.js";
import { describeMissingSecret, missingSecrets } from "../core/secrets.js";
import type { RunStore } from "../store/run-store.js";

export type CheckName = "config" | "store" | "arm" | "secrets";
export type CheckState = "ok" | "failed" | "skipped";

export interface Readiness {
  /** config and store: what this replica needs to answer status, history, cancel and starts */
  ready: boolean;
  checks: Record<CheckName, CheckState>;
  /** What failed, in words safe for a probe's log: names, never secret values. */
  problems: Array<{ check: CheckName; message: string }>;
}

export interface ReadinessOptions {
  store: Pick<RunStore, "view">;
  arm: Pick<ArmPort, "read">;
  groups: readonly string[];
  config: Pick<Config, "auth" | "secrets">;
  /** How long one round of reads answers every probe, so probes spend neither ARM's read quota nor the store's. */
  cacheMs?: number;
  /**
   * How long a probe waits for ARM's answers before it reports the previous round's (or
   * `skipped`): a slow ARM must not make the platform's probe time out, since ARM is a detail.
   */
  armWaitMs?: number;
  now?: () => number;
  /** How many groups one round reads at most; default 5. */
  sample?: number;
  /** Standby mode: a round reads the claimed profile revision and the pool's runtime view instead of fixed groups. */
  standby?: Pick<StandbyPort, "profileContainers" | "readyInstances">;
}

type ArmRound = Pick<Readiness, "problems"> & { arm: CheckState; secrets: CheckState };

function describe(error: unknown, fallback: string): string {
  return error instanceof ServiceError ? `${error.message} (${error.code})` : fallback;
}

async function checkStore(options: ReadinessOptions): Promise<Pick<Readiness, "problems"> & { store: CheckState }> {
  try {
    await options.store.view();
    return { store: "ok", problems: [] };
  } catch (error) {
    return { store: "failed", problems: [{ check: "store", message: describe(error, "The run store cannot be read with the service's identity.") }] };
  }
}

/** What the last read of each group found wrong with it; a group read fine has no entry. */
type GroupProblems = Map<string, Readiness["problems"][number]>;

// ARM and secrets are reported, not required: a replica that cannot reach ARM still answers
// status and history, and each start says what went wrong. One round reads `sample` groups of
// the pool, the next round the following ones, so a probe's ARM reads do not grow with the pool;
// what a group's last read found stays reported until it is read again.
async function checkArm(options: ReadinessOptions, groups: readonly string[], known: GroupProblems): Promise<ArmRound> {
  if (options.standby) return checkStandby(options.standby);
  for (const name of groups) {
    try {
      const group = await options.arm.read(name);
      const missing = missingSecrets(group, options.config.secrets);
      if (missing.length > 0) {
        known.set(name, { check: "secrets", message: `Group ${name} misses secrets: ${missing.map(describeMissingSecret).join("; ")}.` });
      } else {
        known.delete(name);
      }
    } catch (error) {
      known.set(name, { check: "arm", message: `Group ${name}: ${describe(error, "reading the container group failed.")}` });
    }
  }
  const problems = options.groups.flatMap((name) => known.get(name) ?? []);
  const failed = (check: CheckName): CheckState => (problems.some((problem) => problem.check === check) ? "failed" : "ok");
  return { arm: failed("arm"), secrets: failed("secrets"), problems };
}

/**
 * A standby deployment's round: its profile revision and its pool must be readable. An empty pool
 * is no problem: a claim then creates the group cold.
 */
async function checkStandby(standby: NonNullable<ReadinessOptions["standby"]>): Promise<ArmRound> {
  const problems: Readiness["problems"] = [];
  const [profile, ready] = await Promise.allSettled([standby.profileContainers(), standby.readyInstances()]);
  if (profile.status === "rejected") problems.push({ check: "arm", message: `Container group profile: ${describe(profile.reason, "reading the claimed revision failed.")}` });
  if (ready.status === "rejected") problems.push({ check: "arm", message: `Standby pool: ${describe(ready.reason, "reading its runtime view failed.")}` });
  return { arm: problems.length > 0 ? "failed" : "ok", secrets: "skipped", problems };
}

/**
 * The readiness check behind GET /readyz. The store is checked by every probe (one cheap read);
 * ARM and secrets by one round of reads at most every `cacheMs`, which a probe waits for at most
 * `armWaitMs` before it reports the latest finished round (`skipped` before the first).
 */
export function createReadiness(options: ReadinessOptions): () => Promise<Readiness> {
  const cacheMs = options.cacheMs ?? 15_000;
  const armWaitMs = options.armWaitMs ?? 2_000;
  const now = options.now ?? Date.now;
  let latest: ArmRound = { arm: "skipped", secrets: "skipped", problems: [] };
  let startedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<ArmRound> | undefined;
  const sample = Math.min(options.sample ?? 5, options.groups.length);
  const known: GroupProblems = new Map();
  let next = 0;

  function armRound(): Promise<ArmRound> | undefined {
    if (inFlight === undefined && now() - startedAt >= cacheMs) {
      startedAt = now();
      const groups = Array.from({ length: sample }, (_, i) => options.groups[(next + i) % options.groups.length] ?? "");
      next = (next + sample) % Math.max(1, options.groups.length);
      inFlight = checkArm(options, groups, known).then((result) => {
        latest = result;
        inFlight = undefined;
        return result;
      });
    }
    return inFlight;
  }

  async function armOrLatest(): Promise<ArmRound> {
    const pending = armRound();
    if (pending === undefined) return latest;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([pending, new Promise<ArmRound>((resolve) => (timer = setTimeout(() => resolve(latest), armWaitMs)))]);
    clearTimeout(timer);
    return waited;
  }

  return async () => {
    const { auth } = options.config;
    const config: CheckState = auth.kind === "required" && auth.keys.length === 0 && !auth.entra ? "failed" : "ok";
    const [store, arm] = await Promise.all([checkStore(options), armOrLatest()]);
    return {
      ready: config === "ok" && store.store === "ok",
      checks: { config, store: store.store, arm: arm.arm, secrets: arm.secrets },
      problems: [...(config === "failed" ? [{ check: "config" as const, message: "No API key and no Entra ID tenant is configured." }] : []), ...store.problems, ...arm.problems],
    };
  };
}
