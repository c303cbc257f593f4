import * as z from "zod";
import { envNamePattern } from "../../aci/env-name.js";
import { loadsCode } from "./code-loading-env.js";
import { configNames } from "../config-names.js";
import { maxTimeoutSeconds } from "./limits.js";
import { maxRetriesCap } from "./retry-backoff.js";
import { attemptEnvName, baseEnvName, runIdEnvName } from "./trigger-env-names.js";

/** A validated POST /runs body: the env to add for this run, an optional command override, and its limits. */
export interface RunRequest {
  env: Record<string, string>;
  command?: string[];
  /** how long the container may run, from its start; default TRIGGER_DEFAULT_TIMEOUT_SECONDS */
  timeoutSeconds?: number;
  /** how often a failed attempt runs again; default TRIGGER_DEFAULT_MAX_RETRIES */
  maxRetries?: number;
  /** whether an attempt past `timeoutSeconds` is retried too; default no */
  retryOnTimeout?: boolean;
  /** where this run's events go too, on an origin of TRIGGER_WEBHOOK_ALLOWED_ORIGINS (see core/webhook-url.ts) */
  webhookUrl?: string;
}

export interface RunRequestLimits {
  maxEnvCount: number;
  maxEnvBytes: number;
  /** The only names callers may set; a name listed here is allowed even if it loads code. */
  allowedEnvNames?: ReadonlySet<string>;
  /** Callers may replace the container's command (TRIGGER_ALLOW_COMMAND); default no. */
  allowCommand?: boolean;
  /** The longest `timeoutSeconds` (TRIGGER_MAX_TIMEOUT_SECONDS); default `maxTimeoutSeconds`. */
  maxTimeoutSeconds?: number;
}

/** Names the service itself sets on the target container; a caller may never set them. */
export const reservedEnvNames: ReadonlySet<string> = new Set([runIdEnvName, baseEnvName, attemptEnvName]);

export { envNamePattern };

export const maxCommandItems = 256;
export const maxCommandItemLength = 8192;

const utf8 = new TextEncoder();

/** Why a caller may not set `name`, or undefined when it may. */
function envNameProblem(name: string, limits: RunRequestLimits): string | undefined {
  if (!envNamePattern.test(name)) return "is not a valid environment variable name (letters, digits and _, not starting with a digit)";
  if (reservedEnvNames.has(name)) return "is reserved for the trigger service";
  // The operator's list is exact and deliberate: it overrides the deny-list.
  if (limits.allowedEnvNames) return limits.allowedEnvNames.has(name) ? undefined : "is not an allowed environment variable name";
  if (loadsCode(name)) return `changes how the job loads code; the operator may allow it in ${configNames.allowedEnvNames}`;
  return undefined;
}

const requestFields: ReadonlySet<string> = new Set(["env", "command", "timeoutSeconds", "maxRetries", "retryOnTimeout", "webhookUrl"]);

/** Long enough for any receiver's path and query; short enough to sit in the run's entity and every event. */
export const maxWebhookUrlLength = 2048;

/** Unknown top-level fields; names spelled like env variables are most likely meant for `env`. */
function unknownFieldsMessage(keys: readonly string[]): string {
  const meantForEnv = keys.filter((key) => /^[A-Z_][A-Z0-9_]*$/.test(key));
  const hint = meantForEnv.length > 0 ? `; a job's variables go under "env", as {"env":{"${meantForEnv[0]}":"…"}}` : "";
  return `has unknown key(s): ${keys.join(", ")}${hint}`;
}

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
        const problem = envNameProblem(name, limits);
        if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
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
  const ceiling = limits.maxTimeoutSeconds ?? maxTimeoutSeconds;
  const timeoutSeconds = z
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1")
    .max(ceiling, `must be at most ${ceiling}, this service's ceiling (${configNames.maxTimeoutSeconds})`);
  // Whether the origin may receive is the run service's decision (a domain error naming the setting).
  const webhookUrl = z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .max(maxWebhookUrlLength, `must be at most ${maxWebhookUrlLength} characters`)
    .refine((url) => !URL.canParse(url) || (new URL(url).username === "" && new URL(url).password === ""), "must not carry credentials (user:password@)")
    .describe(`Where this run's events are sent too (Standard Webhooks, signed as all are); its origin must be listed in ${configNames.webhookAllowedOrigins}.`);
  const maxRetries = z.int("must be a whole number").min(0, "must be at least 0").max(maxRetriesCap, `must be at most ${maxRetriesCap}`);
  return z
    .looseObject(
      {
        env,
        command: command.optional(),
        timeoutSeconds: timeoutSeconds.optional(),
        maxRetries: maxRetries.optional(),
        retryOnTimeout: z.boolean("must be true or false").optional(),
        webhookUrl: webhookUrl.optional(),
      },
      { error: "must be a JSON object" },
    )
    .superRefine((request, ctx) => {
      const unknown = Object.keys(request).filter((key) => !requestFields.has(key));
      if (unknown.length > 0) ctx.addIssue({ code: "custom", message: unknownFieldsMessage(unknown) });
      // A command override runs anything in the job, secrets in reach: only when the operator allows it.
      if (request.command !== undefined && !limits.allowCommand) {
        ctx.addIssue({ code: "custom", path: ["command"], message: `is disabled on this service (the operator enables it with ${configNames.allowCommand}=true)` });
      }
    });
}
