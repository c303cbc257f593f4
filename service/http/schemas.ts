import { z } from "@hono/zod-openapi";
import { errorCodes, type ErrorCode } from "./error-codes.js";
import { runViewSchema } from "../core/run.js";
import type { CheckName, CheckState } from "../runs/readiness.js";
import type { RunList, RunLogs } from "../runs/run-service.js";

/*
 * Every shape the API answers with, once. The routes declare them as their responses (so the
 * compiler checks each handler's answer against them) and the OpenAPI document prints them as
 * components under these names.
 */

/** Compiles only when A and B are the same type: the run service's answers and their documented shapes may not drift. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<Check extends true> = Check;

// A schema built before this library extended zod (core/ builds its own at load) lacks `.openapi`:
// the run schema is re-instantiated from its own definition to carry its component name.
export const runSchema = runViewSchema.clone().openapi("RunView");

export const runPageSchema = z
  .object({
    runs: z.array(runSchema),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .openapi("RunPage");
export type PageIsRunList = Holds<Same<z.infer<typeof runPageSchema>, RunList>>;

export const runLogsSchema = z
  .object({
    id: z.string(),
    content: z.string(),
    lines: z.int().optional().openapi({ description: "How many lines the run's log archive holds: `follow=true` with `Last-Event-ID` set to it streams only newer ones." }),
  })
  .openapi("RunLogs");
export type LogsAreRunLogs = Holds<Same<z.infer<typeof runLogsSchema>, RunLogs>>;

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      runId: z.string().optional().openapi({ description: "The run concerned (RunInProgress, RunNotActive, IdempotencyKeyReused)." }),
      status: z.string().optional().openapi({ description: "RunNotActive: how the run ended." }),
      missing: z.array(z.string()).optional().openapi({ description: "SecretNotConfigured: what to configure." }),
      names: z.array(z.string()).optional().openapi({ description: "SecureVariableOverride: the refused variables." }),
      armCode: z.string().optional().openapi({ description: "ArmRejectedDefinition, ArmRejectedRequest, ArmConflict: ARM's error code." }),
    }),
  })
  .openapi("Error");

export const healthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

// A Record of every check: a check added to readiness.ts fails the type check here until it is documented.
const checks: Record<CheckName, true> = { config: true, store: true, arm: true, secrets: true };
const checkStates: Record<CheckState, true> = { ok: true, failed: true, skipped: true };
const checkState = z.enum(Object.keys(checkStates) as [CheckState, ...CheckState[]]);

export const readinessSchema = z
  .object({
    status: z.enum(["ready", "degraded", "not-ready"]),
    checks: z
      .object(Object.fromEntries(Object.keys(checks).map((name) => [name, checkState])) as Record<CheckName, typeof checkState>)
      .optional()
      .openapi({ description: "Given only to a caller with a credential." }),
    problems: z.array(z.string()).optional().openapi({ description: "What failed or is degraded; given only to a caller with a credential." }),
    error: z.object({ code: z.literal("NotReady"), message: z.string() }).optional(),
  })
  .openapi("Readiness");

export const json = <Schema extends z.ZodType>(schema: Schema) => ({ "application/json": { schema } });
