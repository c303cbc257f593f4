import * as z from "zod";
import { baseEnvName, runIdEnvName } from "./trigger-env-names.js";

/** A validated POST /runs body: the env to add for this run and an optional command override. */
export interface RunRequest {
  env: Record<string, string>;
  command?: string[];
}

export interface RunRequestLimits {
  maxEnvCount: number;
  maxEnvBytes: number;
  allowedEnvNames?: ReadonlySet<string>;
}

/** Names the service itself sets on the target container; a caller may never set them. */
export const reservedEnvNames: ReadonlySet<string> = new Set([runIdEnvName, baseEnvName]);

/** ACI's rule for env names (FACTS §7): a letter or `_`, then letters, digits or `_`. */
export const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const maxCommandItems = 256;
export const maxCommandItemLength = 8192;

const utf8 = new TextEncoder();

/**
 * The schema of a POST /runs body. `env` defaults to `{}` so that a bare re-run is `{}`.
 * Every issue carries the path of the offending field (`env.FOO`, `command.2`) and says why.
 */
export function runRequestSchema(limits: RunRequestLimits): z.ZodType<RunRequest> {
  const env = z
    .record(z.string(), z.string("must be a string"), "must be an object of names to string values")
    .superRefine((vars, ctx) => {
      const names = Object.keys(vars);
      for (const name of names) {
        if (!envNamePattern.test(name)) {
          ctx.addIssue({ code: "custom", path: [name], message: "is not a valid environment variable name (letters, digits and _, not starting with a digit)" });
        } else if (reservedEnvNames.has(name)) {
          ctx.addIssue({ code: "custom", path: [name], message: "is reserved for the trigger service" });
        } else if (limits.allowedEnvNames && !limits.allowedEnvNames.has(name)) {
          ctx.addIssue({ code: "custom", path: [name], message: "is not an allowed environment variable name" });
        }
      }
      if (names.length > limits.maxEnvCount) {
        ctx.addIssue({ code: "custom", message: `has ${names.length} variables, more than the limit of ${limits.maxEnvCount}` });
      }
      const bytes = names.reduce((sum, name) => sum + utf8.encode(name).length + utf8.encode(vars[name] ?? "").length, 0);
      if (bytes > limits.maxEnvBytes) {
        ctx.addIssue({ code: "custom", message: `names and values take ${bytes} bytes, more than the limit of ${limits.maxEnvBytes}` });
      }
    })
    .default({});
  const command = z
    .array(z.string("must be a string").max(maxCommandItemLength, `must be at most ${maxCommandItemLength} characters`), "must be an array of strings")
    .min(1, "must not be empty")
    .max(maxCommandItems, `must have at most ${maxCommandItems} items`);
  return z.strictObject(
    { env, command: command.optional() },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" ? `has unknown key(s): ${issue.keys.join(", ")}` : "must be a JSON object",
    },
  );
}
