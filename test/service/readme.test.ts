import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configNames } from "../../service/config-names.js";
import { runStatuses } from "../../service/core/run.js";
import { errorCodes } from "../../service/http/error-codes.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const readme = read("README.md");
const docs = {
  api: read("docs/api.md"),
  cli: read("docs/cli.md"),
  configuration: read("docs/configuration.md"),
  deploy: read("docs/deploy.md"),
};
const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;

/** From `## title` to the next heading of that level or higher. */
function section(text: string, title: string): string {
  const start = text.indexOf(`## ${title}\n`);
  if (start < 0) return "";
  const end = text.slice(start + 1).search(/\n##? /);
  return end < 0 ? text.slice(start) : text.slice(start, start + 1 + end);
}

describe("README, the front door", () => {
  it("prints the two commands exactly, and stays short", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm ci && npm test");
    expect(readme.split("\n").length).toBeLessThanOrEqual(250);
  });

  it("links only to documents that exist, and to every one of docs/", () => {
    const links = [...readme.matchAll(/\]\(((?:docs\/)?[\w-]+\.md)(?:#[\w-]+)?\)/g)].map((m) => m[1]!);
    for (const link of links) expect(existsSync(new URL(`../../${link}`, import.meta.url)), link).toBe(true);
    for (const doc of ["api", "cli", "deploy", "configuration", "security", "architecture", "operations", "emulator"]) {
      expect(links).toContain(`docs/${doc}.md`);
    }
    expect(links).toContain("CONTRIBUTING.md");
  });

  it("draws the architecture in Mermaid", () => {
    expect(readme).toContain("```mermaid");
    expect(read("docs/architecture.md").match(/```mermaid/g)?.length).toBeGreaterThanOrEqual(2);
  });
});

describe("docs/ service reference", () => {
  it("lists every error code with the status the service answers", () => {
    const table = section(docs.api, "Error codes");
    for (const [code, { status }] of Object.entries(errorCodes)) {
      expect(table).toContain(`| \`${code}\` | ${status} |`);
    }
  });

  it("lists every configuration variable the service reads", () => {
    for (const name of Object.values(configNames)) expect(docs.configuration).toContain(`| \`${name}\` |`);
  });

  it("shows a curl example for every route", () => {
    for (const route of ["-X POST \"$TRIGGER_URL/runs\"", "/runs/$RUN_ID\"", "/runs/$RUN_ID/logs", "/runs/$RUN_ID/cancel", "/healthz", "/readyz", "/openapi.json"]) {
      expect(docs.api).toContain(route);
    }
  });

  it("documents exit codes only for run statuses that exist", () => {
    const statuses: readonly string[] = runStatuses;
    if (!statuses.includes("timed-out")) expect(docs.cli).not.toContain("timed-out");
  });
});

describe("the facts a deployer meets first", () => {
  it("states one minimum Node.js version everywhere, the one package.json requires", () => {
    const minimum = /^>=\s*(\d+)\.(\d+)\.\d+$/.exec(engines);
    expect(minimum).not.toBeNull();
    const wanted = `${minimum![1]}.${minimum![2]}`;
    const texts = [readme, ...Object.values(docs), read("CONTRIBUTING.md")].join("\n");
    const stated = [...texts.matchAll(/Node\.js (\d+(?:\.\d+)?) or later|\*\*(\d+\.\d+) or later\*\*/g)].map((m) => m[1] ?? m[2]);
    expect(stated.length).toBeGreaterThan(0);
    for (const version of stated) expect(version).toBe(wanted);
  });

  it("starts deploy.md with a checklist naming each resource provider to register", () => {
    const checklist = section(docs.deploy, "Checklist");
    expect(docs.deploy.indexOf("## Checklist")).toBeLessThan(docs.deploy.indexOf("## Configure a stack"));
    for (const provider of ["Microsoft.App", "Microsoft.ContainerInstance", "Microsoft.OperationalInsights", "Microsoft.ContainerRegistry", "Microsoft.Storage"]) {
      expect(checklist).toContain(provider);
    }
    expect(checklist).toContain("QEMU");
  });

  it("calls the example stack's job with a variable that job reads", () => {
    const example = section(docs.deploy, "Deploy and call it");
    const sent = [...example.matchAll(/"env": \{"(\w+)"/g)].map((m) => m[1]!);
    expect(sent.length).toBeGreaterThan(0);
    const stack = read("Pulumi.dev.yaml");
    for (const name of sent) expect(stack).toMatch(new RegExp(`environ(?:ment)?\\.get\\("${name}"\\)`));
  });

  it("describes the project in Pulumi.yaml as a pool, not one container group", () => {
    const description = /^description: (.*)$/m.exec(read("Pulumi.yaml"))?.[1] ?? "";
    expect(description).toContain("pool");
    expect(description).not.toContain("one Azure Container Instances container group");
  });
});
