import * as z from "zod";
import type { WireContainer, WireEnvironmentVariable } from "./arm-types.js";
import { reservedEnvNames } from "./run-request.js";
import { isWithheldSecureEnv } from "./secrets.js";
import { baseEnvName } from "./trigger-env-names.js";

/**
 * The target container as it was before any run: its env entries (secure ones by
 * name only, exactly as GET shows them) and its command (absent when it had none).
 */
export interface BaseEnv {
  env: WireEnvironmentVariable[];
  command?: string[];
}

const baseEnvSchema = z.object({
  env: z.array(z.looseObject({ name: z.string(), value: z.string().optional(), secureValue: z.never().optional() })),
  command: z.array(z.string()).optional(),
});

/** Drops a secure value GET should never have shown, so the plain bookkeeping var never holds one. */
function withoutSecureValue(entry: WireEnvironmentVariable): WireEnvironmentVariable {
  const { secureValue: _secureValue, ...kept } = entry;
  return kept;
}

/** The container's own env (without the names the service sets) and command, as it is now. */
export function currentBase(container: WireContainer): BaseEnv {
  const env = container.properties.environmentVariables ?? [];
  const command = container.properties.command;
  return {
    env: env.filter((entry) => !reservedEnvNames.has(entry.name)).map(withoutSecureValue),
    ...(command ? { command: [...command] } : {}),
  };
}

/**
 * The base that versions before the run store kept in the TRIGGER_BASE variable of the target
 * container, when it is there and readable; undefined otherwise.
 */
export function legacyBase(container: WireContainer): BaseEnv | undefined {
  const bookkeeping = (container.properties.environmentVariables ?? []).find((entry) => entry.name === baseEnvName);
  if (bookkeeping?.value === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(bookkeeping.value);
  } catch {
    return undefined;
  }
  // Validated, but the decoded JSON itself is kept so unknown entry fields survive in order.
  if (!baseEnvSchema.safeParse(decoded).success) return undefined;
  const base = decoded as BaseEnv;
  return { env: base.env.filter((entry) => !reservedEnvNames.has(entry.name)), ...(base.command ? { command: base.command } : {}) };
}

/** Names whose values in the base are secure: a run may not replace them with plain values. */
export function secureBaseNames(base: BaseEnv): Set<string> {
  return new Set(base.env.filter(isWithheldSecureEnv).map((entry) => entry.name));
}
