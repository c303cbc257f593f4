import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { describeIssues as describeIssuesAt } from "../core/describe-issues.js";
import { ServiceError } from "./errors.js";

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
 * The app's one validation wrapper: every failure, whatever the target, becomes the same 400
 * `InvalidRequest` naming each field and why.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw new ServiceError("InvalidRequest", describeIssues(target, result.error.issues));
  });
}
