import { isRestError } from "@azure/core-rest-pipeline";
import type { WireContainerGroup } from "./arm-types.js";
import type { Config } from "./config.js";
import type { ContainerGroupPort } from "./container-group-port.js";
import { fromArmError } from "./errors.js";
import { describeMissingSecret, missingSecrets } from "./secrets.js";

export type CheckName = "config" | "arm" | "secrets";
export type CheckState = "ok" | "failed" | "skipped";

export interface Readiness {
  ready: boolean;
  checks: Record<CheckName, CheckState>;
  /** What failed first, in words safe for a probe's log: names, never secret values. */
  failure?: { check: CheckName; message: string };
}

export interface ReadinessOptions {
  group: ContainerGroupPort;
  config: Pick<Config, "auth" | "secrets">;
  /** How long one ARM read answers every probe, so probes do not spend ARM's read quota. */
  cacheMs?: number;
  now?: () => number;
}

type ArmRead = { ok: true; group: WireContainerGroup } | { ok: false; message: string };

function describeReadFailure(error: unknown): string {
  if (!isRestError(error)) return "Reading the container group failed.";
  const mapped = fromArmError(error);
  return `${mapped.message} (${mapped.code})`;
}

/**
 * The readiness check behind GET /readyz: the configuration can authenticate callers, ARM
 * answers a read of the group with the service's identity, and every secret the group holds can
 * be restored on re-create. The ARM read is shared by all probes within `cacheMs`.
 */
export function createReadiness(options: ReadinessOptions): () => Promise<Readiness> {
  const cacheMs = options.cacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; read: Promise<ArmRead> } | undefined;

  function readGroup(): Promise<ArmRead> {
    const at = now();
    if (cached === undefined || at - cached.at >= cacheMs) {
      const read = options.group.read().then(
        (group): ArmRead => ({ ok: true, group }),
        (error: unknown): ArmRead => ({ ok: false, message: describeReadFailure(error) }),
      );
      cached = { at, read };
    }
    return cached.read;
  }

  return async () => {
    const { auth, secrets } = options.config;
    if (auth.kind === "keys" && auth.keys.length === 0) {
      return {
        ready: false,
        checks: { config: "failed", arm: "skipped", secrets: "skipped" },
        failure: { check: "config", message: "No API key is configured." },
      };
    }
    const read = await readGroup();
    if (!read.ok) {
      return { ready: false, checks: { config: "ok", arm: "failed", secrets: "skipped" }, failure: { check: "arm", message: read.message } };
    }
    const missing = missingSecrets(read.group, secrets);
    if (missing.length > 0) {
      return {
        ready: false,
        checks: { config: "ok", arm: "ok", secrets: "failed" },
        failure: { check: "secrets", message: `Missing secrets: ${missing.map(describeMissingSecret).join("; ")}.` },
      };
    }
    return { ready: true, checks: { config: "ok", arm: "ok", secrets: "ok" } };
  };
}
