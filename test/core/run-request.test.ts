import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxCommandItems, reservedEnvNames, runRequestSchema } from "../../service/run-request.js";

const schema = runRequestSchema({ maxEnvCount: 3, maxEnvBytes: 20 });

function issues(body: unknown, s = schema): { path: string; message: string }[] {
  const result = s.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

describe("runRequestSchema", () => {
  it("accepts env and a command", () => {
    expect(schema.parse({ env: { A: "1", _b2: "" }, command: ["sh", "-c", "echo"] })).toStrictEqual({ env: { A: "1", _b2: "" }, command: ["sh", "-c", "echo"] });
  });

  it("treats a missing env as no env, so {} re-runs the base", () => {
    expect(schema.parse({})).toStrictEqual({ env: {} });
  });

  it("rejects unknown top-level keys", () => {
    expect(issues({ env: {}, cmd: ["x"] })).toStrictEqual([{ path: "", message: "has unknown key(s): cmd" }]);
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
    expect(issues({ command: [] })).toStrictEqual([{ path: "command", message: "must not be empty" }]);
    expect(issues({ command: ["a", 2] })).toStrictEqual([{ path: "command.1", message: "must be a string" }]);
    expect(issues({ command: Array.from({ length: maxCommandItems + 1 }, () => "x") })).toStrictEqual([
      { path: "command", message: `must have at most ${maxCommandItems} items` },
    ]);
    expect(issues({ command: "echo" })).toStrictEqual([{ path: "command", message: "must be an array of strings" }]);
  });

  it("accepts every env within the limits whose names are valid and unreserved", () => {
    const roomy = runRequestSchema({ maxEnvCount: 100, maxEnvBytes: 100_000 });
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/).filter((n) => !reservedEnvNames.has(n));
    fc.assert(
      fc.property(fc.dictionary(name, fc.string(), { maxKeys: 10, noNullPrototype: true }), (env) => {
        expect(roomy.parse({ env })).toStrictEqual({ env });
      }),
      { numRuns: 100 },
    );
  });
});
