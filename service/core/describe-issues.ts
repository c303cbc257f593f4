import type * as z from "zod";

/**
 * Why zod refused a value, in words that never quote it: the schemas' own messages are fixed
 * text, and zod's name only what was expected. Unknown keys and bad record keys are spelled out
 * here because a schema's own error text replaces zod's and would hide them.
 */
export function issueReason(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `has unknown key(s) ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_key") return issue.issues.map((inner) => inner.message).join("; ");
  return issue.message;
}

/** Where an issue sits: its dotted path under `prefix` (`query.tail`), or `whole` when it is about the whole value. */
export function issuePlace(issue: z.core.$ZodIssue, place: { prefix?: string; whole: string }): string {
  const path = issue.path.map(String).join(".");
  return [place.prefix, path].filter(Boolean).join(".") || place.whole;
}

// Enough issues to fix a value in one go, few enough to keep the message readable.
const maxIssues = 5;

/** One `place: reason` per issue, the first few of them, joined into one line. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], place: { prefix?: string; whole: string }): string {
  const lines = issues.slice(0, maxIssues).map((issue) => `${issuePlace(issue, place)}: ${issueReason(issue)}`);
  const more = issues.length > maxIssues ? ` (and ${issues.length - maxIssues} more)` : "";
  return `${lines.join("; ")}${more}`;
}
