import { describe, expect, it } from "vitest";
import { parsePath, planStep, withIgnoredChanges } from "./engine-plan.js";

describe("the engine's ignoreChanges, as ported for the tests", () => {
  it("parses dotted, indexed, wildcard and quoted paths", () => {
    expect(parsePath(`a.b[*].c[2]["d.e"]`)).toEqual(["a", "b", "*", "c", 2, "d.e"]);
    expect(() => parsePath("a..b")).toThrow("not a property path");
  });

  it("sends the recorded value of an ignored path, and drops one the record lacks", () => {
    const olds = { a: { keep: 1, env: ["old"] }, tags: { run: "7" } };
    const news = { a: { keep: 2, env: ["new"], extra: true }, tags: {} };
    expect(withIgnoredChanges(olds, news, ["a.env", "a.extra", "tags"])).toEqual({ a: { keep: 2, env: ["old"] }, tags: { run: "7" } });
  });

  it("fails like the engine when a wildcard meets arrays of different lengths", () => {
    expect(() => withIgnoredChanges({ list: [{ x: 1 }, { x: 2 }] }, { list: [{ x: 3 }] }, ["list[*].x"])).toThrow("cannot ignore changes to list[*].x");
  });

  it("plans a replacement only when a changed path lies under a replaceOnChanges path", () => {
    const olds = { props: { items: [{ size: 1, image: "a" }] } };
    const options = { ignoreChanges: [], replaceOnChanges: ["props.items[*].size"] };
    expect(planStep(olds, olds, options).step).toBe("same");
    expect(planStep(olds, { props: { items: [{ size: 1, image: "b" }] } }, options).step).toBe("update");
    expect(planStep(olds, { props: { items: [{ size: 2, image: "a" }] } }, options).step).toBe("replace");
  });

  it("re-creates from the record's ignored values on a planned replacement, and from the program's on --replace", () => {
    const olds = { size: 1, env: ["recorded"] };
    const news = { size: 2, env: ["program"] };
    const options = { ignoreChanges: ["env"], replaceOnChanges: ["size"] };
    expect(planStep(olds, news, options)).toEqual({ step: "replace", sent: { size: 2, env: ["recorded"] } });
    expect(planStep(olds, { size: 1, env: ["program"] }, { ...options, targetedReplace: true })).toEqual({ step: "replace", sent: { size: 1, env: ["program"] } });
  });
});
