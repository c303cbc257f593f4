import * as z from "zod";
import type { WireContainer, WireEnvironmentVariable } from "./arm-types.js";
import { reservedEnvNames } from "./run-request.js";
import { isWithheldSecureEnv } from "./secrets.js";
import { baseEnvName } from "./trigger-env-names.js";

/**
 * The target container as it was before the first trigger run: its env entries (secure ones by
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

/**
 * The base of the target container: decoded from its bookkeeping var once a trigger run has set
 * it, otherwise the container's current env (without the names the trigger reserves) and
 * command. Undefined when the bookkeeping var is there but unreadable (edited by hand): guessing
 * would carry a previous run's env into the next one.
 */
export function readBaseEnv(container: WireContainer): BaseEnv | undefined {
  const env = container.properties.environmentVariables ?? [];
  const bookkeeping = env.find((entry) => entry.name === baseEnvName);
  if (!bookkeeping) {
    const command = container.properties.command;
    return {
      env: env.filter((entry) => !reservedEnvNames.has(entry.name)).map(withoutSecureValue),
      ...(command ? { command: [...command] } : {}),
    };
  }
  if (bookkeeping.value === undefined) return undefined;
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

export function encodeBaseEnv(base: BaseEnv): WireEnvironmentVariable {
  return { name: baseEnvName, value: JSON.stringify(base) };
}

/** Names whose values in the base are secure: a run may not replace them with plain values. */
export function secureBaseNames(base: BaseEnv): Set<string> {
  return new Set(base.env.filter(isWithheldSecureEnv).map((entry) => entry.name));
}
