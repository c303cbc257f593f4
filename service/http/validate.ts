import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { ServiceError } from "../core/service-error.js";

const targetNames: Record<keyof ValidationTargets, string> = {
  json: "body",
  form: "form",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

// Enough issues to fix a request in one go, few enough to keep the message readable.
const MAX_ISSUES = 5;

/** One line per issue: where (`env.FOO`, `query.tail`) and why; never the offending value. */
export function describeIssues(target: keyof ValidationTargets, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map(String).join(".");
    const where = target === "json" ? path || targetNames[target] : [targetNames[target], path].filter(Boolean).join(".");
    // A schema's own error text replaces zod's for every issue, so the unknown names are added here.
    const reason = issue.code === "unrecognized_keys" ? `has unknown field(s) ${issue.keys.join(", ")}` : issue.message;
    return `${where}: ${reason}`;
  });
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : "";
  return `${lines.join("; ")}${more}`;
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
