import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codeLoadingEnvNames, loadsCode } from "../../service/core/code-loading-env.js";
import { hashRequest } from "../../service/core/request-hash.js";
import { maxCommandItems, maxWebhookUrlLength, reservedEnvNames, runRequestSchema } from "../../service/core/run-request.js";
import { webhookUrlRefusal } from "../../service/core/webhook-url.js";

const schema = runRequestSchema({ maxEnvCount: 3, maxEnvBytes: 20 });
const withCommand = runRequestSchema({ maxEnvCount: 3, maxEnvBytes: 20, allowCommand: true });
const roomy = runRequestSchema({ maxEnvCount: 100, maxEnvBytes: 100_000 });

function issues(body: unknown, s = schema): { path: string; message: string }[] {
  const result = s.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

describe("runRequestSchema", () => {
  it("accepts env and, where the operator allows it, a command", () => {
    expect(withCommand.parse({ env: { A: "1", _b2: "" }, command: ["sh", "-c", "echo"] })).toStrictEqual({ env: { A: "1", _b2: "" }, command: ["sh", "-c", "echo"] });
  });

  it("refuses a command override unless the operator allows it, naming the setting", () => {
    expect(issues({ env: {}, command: ["env"] })).toStrictEqual([
      { path: "command", message: "is disabled on this service (the operator enables it with TRIGGER_ALLOW_COMMAND=true)" },
    ]);
    expect(issues({ command: ["env"] }, runRequestSchema({ maxEnvCount: 3, maxEnvBytes: 20, allowCommand: false }))).toHaveLength(1);
  });

  it.each([
    ["LD_PRELOAD"],
    ["LD_LIBRARY_PATH"],
    ["LD_AUDIT"],
    ["NODE_OPTIONS"],
    ["BASH_ENV"],
    ["PYTHONSTARTUP"],
    ["PYTHONPATH"],
    ["JAVA_TOOL_OPTIONS"],
    ["DOTNET_STARTUP_HOOKS"],
    ["CORECLR_PROFILER_PATH"],
    ["PERL5OPT"],
    ["RUBYOPT"],
    ["GCONV_PATH"],
    ["PATH"],
    ["Path"],
    ["ld_preload"],
  ])("refuses %s, which changes how the job loads code, naming the allow-list that overrides it", (name) => {
    expect(issues({ env: { [name]: "/tmp/x" } }, roomy)).toStrictEqual([
      { path: `env.${name}`, message: "changes how the job loads code; the operator may allow it in TRIGGER_ALLOWED_ENV_NAMES" },
    ]);
  });

  it("lets the operator's allow-list override the deny-list, name by name", () => {
    const allowed = runRequestSchema({ maxEnvCount: 10, maxEnvBytes: 100, allowedEnvNames: new Set(["JAVA_TOOL_OPTIONS", "MODE"]) });
    expect(issues({ env: { JAVA_TOOL_OPTIONS: "-Xmx1g", MODE: "a" } }, allowed)).toStrictEqual([]);
    expect(issues({ env: { LD_PRELOAD: "/x.so" } }, allowed)).toStrictEqual([{ path: "env.LD_PRELOAD", message: "is not an allowed environment variable name" }]);
  });

  it("keeps ordinary names that merely look alike", () => {
    for (const name of ["LOAD_PATH_HINT", "NODE_ENV", "PYTHON_VERSION", "JAVA_HOME", "MY_PATH", "ENVIRONMENT", "DOTNET_ENVIRONMENT"]) {
      expect(loadsCode(name), name).toBe(false);
    }
    expect(issues({ env: { NODE_ENV: "production", DOTNET_ENVIRONMENT: "Staging" } }, roomy)).toStrictEqual([]);
  });

  it("lists every deny-listed name in upper case, since names are compared upper-cased", () => {
    for (const name of codeLoadingEnvNames) expect(name).toBe(name.toUpperCase());
  });

  it("treats a missing env as no env, so {} re-runs the base", () => {
    expect(schema.parse({})).toStrictEqual({ env: {} });
  });

  it("rejects unknown top-level keys", () => {
    expect(issues({ env: {}, cmd: ["x"] })).toStrictEqual([{ path: "", message: "has unknown key(s): cmd" }]);
  });

  it("points a variable sent at the top level to env", () => {
    expect(issues({ GREETING: "hello" })).toStrictEqual([
      { path: "", message: 'has unknown key(s): GREETING; a job\'s variables go under "env", as {"env":{"GREETING":"…"}}' },
    ]);
  });

  it("rejects a body that is not an object", () => {
    expect(issues([1])).toStrictEqual([{ path: "", message: "must be a JSON object" }]);
  });

  it.each([["1A"], ["A-B"], ["A B"], ["É"], [""], ["A\nB"]])("rejects the env name %j at its own path", (name) => {
    expect(issues({ env: { [name]: "v" } })).toStrictEqual([{ path: `env.${name}`, message: expect.stringContaining("not a valid environment variable name") }]);
  });

  it("rejects a non-string value at its own path", () => {
    expect(issues({ env: { A: 1 } })).toStrictEqual([{ path: "env.A", message: "must be a string" }]);
  });

  it("rejects an env that is not an object", () => {
    expect(issues({ env: ["A"] })).toStrictEqual([{ path: "env", message: "must be an object of names to string values" }]);
  });

  it.each([...reservedEnvNames])("rejects the reserved name %s", (name) => {
    expect(issues({ env: { [name]: "x" } })).toStrictEqual([{ path: `env.${name}`, message: "is reserved for the trigger service" }]);
  });

  it("rejects names outside the allow-list and accepts those in it", () => {
    const allowed = runRequestSchema({ maxEnvCount: 10, maxEnvBytes: 100, allowedEnvNames: new Set(["MODE"]) });
    expect(issues({ env: { MODE: "a", OTHER: "b" } }, allowed)).toStrictEqual([{ path: "env.OTHER", message: "is not an allowed environment variable name" }]);
    expect(issues({ env: { MODE: "a" } }, allowed)).toStrictEqual([]);
  });

  it("rejects more variables than the count limit", () => {
    expect(issues({ env: { A: "", B: "", C: "", D: "" } })).toStrictEqual([{ path: "env", message: "has 4 variables, more than the limit of 3" }]);
  });

  it("counts names and values in UTF-8 bytes against the byte limit", () => {
    expect(issues({ env: { A: "é".repeat(9) } })).toStrictEqual([]); // 1 + 18 bytes
    expect(issues({ env: { A: "é".repeat(10) } })).toStrictEqual([{ path: "env", message: "names and values take 21 bytes, more than the limit of 20" }]);
  });

  it("rejects an empty command, a non-string item and too many items, at their paths", () => {
    expect(issues({ command: [] }, withCommand)).toStrictEqual([{ path: "command", message: "must not be empty" }]);
    expect(issues({ command: ["a", 2] }, withCommand)).toStrictEqual([{ path: "command.1", message: "must be a string" }]);
    expect(issues({ command: Array.from({ length: maxCommandItems + 1 }, () => "x") }, withCommand)).toStrictEqual([
      { path: "command", message: `must have at most ${maxCommandItems} items` },
    ]);
    expect(issues({ command: "echo" }, withCommand)).toStrictEqual([{ path: "command", message: "must be an array of strings" }]);
  });

  it("accepts every env within the limits whose names are valid, unreserved and load no code", () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/).filter((n) => !reservedEnvNames.has(n) && !loadsCode(n));
    fc.assert(
      fc.property(fc.dictionary(name, fc.string(), { maxKeys: 10, noNullPrototype: true }), (env) => {
        expect(roomy.parse({ env })).toStrictEqual({ env });
      }),
      { numRuns: 100 },
    );
  });

  it("takes a run's own webhook URL, http(s) only, bounded, with no credentials in it", () => {
    expect(schema.parse({ webhookUrl: "https://hooks.example/runs?team=a" })).toStrictEqual({ env: {}, webhookUrl: "https://hooks.example/runs?team=a" });
    expect(issues({ webhookUrl: "ftp://hooks.example/x" })).toStrictEqual([{ path: "webhookUrl", message: "must be an http(s) URL" }]);
    expect(issues({ webhookUrl: "hooks.example" })).toStrictEqual([{ path: "webhookUrl", message: "must be an http(s) URL" }]);
    expect(issues({ webhookUrl: `https://hooks.example/${"a".repeat(maxWebhookUrlLength)}` })).toStrictEqual([
      { path: "webhookUrl", message: `must be at most ${maxWebhookUrlLength} characters` },
    ]);
    expect(issues({ webhookUrl: "https://user:pw@hooks.example/x" })).toStrictEqual([{ path: "webhookUrl", message: "must not carry credentials (user:password@)" }]);
  });
});

describe("a run's own webhook URL", () => {
  const listed = new Set(["https://hooks.example", "http://127.0.0.1:9000"]);
  it("is allowed on a listed origin, whatever its path", () => {
    expect(webhookUrlRefusal("https://hooks.example/a/b?c=d", listed)).toBeUndefined();
    expect(webhookUrlRefusal("http://127.0.0.1:9000/hook", listed)).toBeUndefined();
  });
  it("is refused on any other origin (scheme, host or port), naming the setting", () => {
    for (const url of ["http://hooks.example/a", "https://hooks.example:8443/a", "https://evil.example/a", "http://127.0.0.1:9001/hook"]) {
      expect(webhookUrlRefusal(url, listed)).toMatchObject({ code: "WebhookUrlNotAllowed", message: expect.stringContaining("TRIGGER_WEBHOOK_ALLOWED_ORIGINS") });
    }
  });
  it("is part of the request's hash, and leaves the hash of a request without one as it was", () => {
    const plain = hashRequest({ env: { A: "1" } });
    expect(hashRequest({ env: { A: "1" }, webhookUrl: "https://hooks.example/a" })).not.toBe(plain);
    expect(hashRequest({ env: { A: "1" }, webhookUrl: "https://hooks.example/a" })).not.toBe(hashRequest({ env: { A: "1" }, webhookUrl: "https://hooks.example/b" }));
    // A stored run's hash from before the field: sha256 of the canonical request as it was written then.
    expect(plain).toBe(createHash("sha256").update(JSON.stringify({ env: { A: "1" } })).digest("hex"));
  });
});
