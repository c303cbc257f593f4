import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configNames } from "../../service/config-names.js";
import { errorCodes } from "../../service/http/error-codes.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

function section(title: string): string {
  const start = readme.indexOf(`## ${title}\n`);
  const end = readme.indexOf("\n## ", start + 1);
  return start < 0 ? "" : readme.slice(start, end < 0 ? undefined : end);
}

describe("README service reference", () => {
  it("lists every error code with the status the service answers", () => {
    const table = section("Error codes");
    for (const [code, { status }] of Object.entries(errorCodes)) {
      expect(table).toContain(`| \`${code}\` | ${status} |`);
    }
  });

  it("lists every configuration variable the service reads", () => {
    const table = section("Configuration");
    for (const name of Object.values(configNames)) expect(table).toContain(`| \`${name}\` |`);
  });

  it("shows a curl example for every route", () => {
    const api = section("API");
    for (const route of ["-X POST \"$TRIGGER_URL/runs\"", "/runs/$RUN_ID\"", "/runs/$RUN_ID/logs", "/runs/$RUN_ID/cancel", "/healthz", "/readyz", "/openapi.json"]) {
      expect(api).toContain(route);
    }
  });
});
