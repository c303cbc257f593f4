import { zValidator } from "@hono/zod-validator";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, ValidationTargets } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./app-env.js";
import { describeIssues as describeIssuesAt } from "../core/describe-issues.js";
import { ServiceError } from "../core/service-error.js";

const targetNames: Record<keyof ValidationTargets, string> = {
  json: "body",
  form: "form",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

/** One line per issue: where (`env.FOO`, `query.tail`) and why; never the offending value. */
export function describeIssues(target: keyof ValidationTargets, issues: readonly z.core.$ZodIssue[]): string {
  return describeIssuesAt(issues, target === "json" ? { whole: targetNames[target] } : { prefix: targetNames[target], whole: targetNames[target] });
}

/**
 * The app's one validation hook: every failure, whatever the target, becomes the same 400
 * `InvalidRequest` naming each field and why.
 */
export function rejectInvalid(result: { target: keyof ValidationTargets } & ({ success: true } | { success: false; error: { issues: readonly z.core.$ZodIssue[] } })) {
  if (!result.success) throw new ServiceError("InvalidRequest", describeIssues(result.target, result.error.issues));
}

/** A resource's routes: `createRoute` definitions validated through `rejectInvalid`. */
export function openApiRoutes() {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalid });
}

/** `rejectInvalid` as a middleware, for a route that must validate in its own order (see POST /runs). */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, rejectInvalid);
}

/** What `validate(target, schema)` stored earlier in this request's chain. */
export function validated<Schema extends z.ZodType>(c: Context, target: keyof ValidationTargets, _schema: Schema): z.output<Schema> {
  return c.req.valid(target as never);
}
