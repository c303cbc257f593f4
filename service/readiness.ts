import type { ArmPort } from "./arm/arm-port.js";
import type { Config } from "./config.js";
import { ServiceError } from "./errors.js";
import { describeMissingSecret, missingSecrets } from "./secrets.js";
import type { RunStore } from "./store/run-store.js";

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
  now?: () => number;
}

function describe(error: unknown, fallback: string): string {
  return error instanceof ServiceError ? `${error.message} (${error.code})` : fallback;
}

async function check(options: ReadinessOptions): Promise<Readiness> {
  const { auth, secrets } = options.config;
  const problems: Readiness["problems"] = [];
  const config: CheckState = auth.kind === "keys" && auth.keys.length === 0 ? "failed" : "ok";
  if (config === "failed") problems.push({ check: "config", message: "No API key is configured." });

  let store: CheckState = "ok";
  try {
    await options.store.view();
  } catch (error) {
    store = "failed";
    problems.push({ check: "store", message: describe(error, "The run store cannot be read with the service's identity.") });
  }

  // ARM and secrets are reported, not required: a replica that cannot reach ARM still answers
  // status and history, and each start says what went wrong.
  let arm: CheckState = "ok";
  let secretsState: CheckState = "ok";
  for (const name of options.groups) {
    try {
      const group = await options.arm.read(name);
      const missing = missingSecrets(group, secrets);
      if (missing.length > 0) {
        secretsState = "failed";
        problems.push({ check: "secrets", message: `Group ${name} misses secrets: ${missing.map(describeMissingSecret).join("; ")}.` });
      }
    } catch (error) {
      arm = "failed";
      problems.push({ check: "arm", message: `Group ${name}: ${describe(error, "reading the container group failed.")}` });
    }
  }
  return { ready: config === "ok" && store === "ok", checks: { config, store, arm, secrets: secretsState }, problems };
}

/** The readiness check behind GET /readyz, one round of reads shared by all probes within `cacheMs`. */
export function createReadiness(options: ReadinessOptions): () => Promise<Readiness> {
  const cacheMs = options.cacheMs ?? 15_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; result: Promise<Readiness> } | undefined;
  return () => {
    const at = now();
    if (cached === undefined || at - cached.at >= cacheMs) cached = { at, result: check(options) };
    return cached.result;
  };
}
