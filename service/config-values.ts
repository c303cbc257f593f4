import * as z from "zod";
import { issuePlace, issueReason } from "./core/describe-issues.js";

/**
 * Builders of the schemas of single environment variables. Each problem they report is the
 * rule the value broke, never the value: some variables hold secrets, and problems reach logs.
 */

/** A variable's value, trimmed; empty counts as unset, since deployment tools often write "" for "not given". */
export function variable<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => (typeof raw === "string" && raw.trim() !== "" ? raw.trim() : undefined), schema);
}

/** A whole number from `min` to `max`, digits only. */
export function integer(min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().int(message).min(min, message).max(max, message));
}

/** A decimal number of seconds from `min` to `max` ("0.5", "10"), digits and one point only. */
export function seconds(min: number, max: number) {
  const message = `must be a number of seconds from ${min} to ${max}`;
  return z.string().regex(/^\d+(\.\d+)?$/, message).transform(Number).pipe(z.number(message).min(min, message).max(max, message));
}

export function flag() {
  return z.enum(["true", "false"], "must be true or false").transform((value) => value === "true");
}

/** An https URL without credentials, query or fragment, trailing slashes dropped. */
export function httpsUrl() {
  return z
    .string()
    .refine((raw) => {
      const url = URL.canParse(raw) ? new URL(raw) : undefined;
      return url?.protocol === "https:" && url.username === "" && url.password === "" && url.search === "" && url.hash === "";
    }, "must be an https URL without credentials, query or fragment")
    .transform((raw) => raw.replace(/\/+$/, ""));
}

/** Comma-separated items, each trimmed, empty ones dropped. */
export function list() {
  return z.string().transform((raw) => raw.split(",").map((item) => item.trim()).filter((item) => item !== ""));
}

/**
 * Standard Webhooks signing secrets: `whsec_` and the base64 of at least 24 bytes, up to two
 * (space- or comma-separated) while one is rotated out; every delivery is signed with each.
 */
export function webhookSecrets() {
  const message = "must be one or two secrets, each whsec_ followed by the base64 of at least 24 bytes";
  return z
    .string()
    .transform((raw) => raw.split(/[\s,]+/).filter((item) => item !== ""))
    .refine((secrets) => secrets.length >= 1 && secrets.length <= 2 && secrets.every(isWebhookSecret), message);
}

function isWebhookSecret(secret: string): boolean {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : "";
  return /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && encoded.length % 4 === 0 && Buffer.from(encoded, "base64").length >= 24;
}

/**
 * JSON checked against `schema`. A problem names its path inside the document; JSON.parse's own
 * message quotes the input, so it never reaches one.
 */
export function json<T>(schema: z.ZodType<T>, shape = "") {
  return z.string().transform((raw, ctx): T => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: "custom", message: `is not valid JSON${shape}` });
      return z.NEVER;
    }
    const parsed = schema.safeParse(decoded);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: "custom", message: `at ${issuePlace(issue, { whole: "(top level)" })}: ${issueReason(issue)}` });
    }
    return z.NEVER;
  });
}
