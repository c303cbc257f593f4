import * as z from "zod";
import { envNamePattern, reservedEnvNames } from "./run-request.js";
import type { BaseEnv } from "./base-env.js";

/**
 * The target container's base as the stack defines it (ACI_CONTAINER_BASE): its plain env, in
 * order, and its command (absent: the image's entrypoint). Its secure env is what ACI_SECRETS
 * holds for the container, by name.
 */
export interface WantedBase {
  env: Record<string, string>;
  command?: string[];
}

const envName = z
  .string()
  .regex(envNamePattern, "must be an environment variable name (letters, digits and _, not starting with a digit)")
  .refine((name) => !reservedEnvNames.has(name), "is set by the service on each run, never by the base");

export const wantedBaseSchema: z.ZodType<WantedBase> = z.strictObject({
  env: z.record(envName, z.string()),
  command: z.array(z.string()).min(1, "must not be empty; leave it out for the image's entrypoint").optional(),
});

/** The base a run starts from when the stack defines it: the plain env, then each secure name withheld, as GET shows them. */
export function wantedBaseEnv(wanted: WantedBase, secureNames: readonly string[]): BaseEnv {
  return {
    env: [...Object.entries(wanted.env).map(([name, value]) => ({ name, value })), ...secureNames.map((name) => ({ name }))],
    ...(wanted.command ? { command: [...wanted.command] } : {}),
  };
}
