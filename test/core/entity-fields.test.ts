import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { joinText, splitText } from "../../service/store/entity-fields.js";

/** The longest string property Azure Tables keeps is 32K UTF-16 code units; parts stay below it. */
const maxPart = 30_000;

function parts(entity: Record<string, string | number>, name: string): string[] {
  return Object.entries(entity)
    .filter(([key]) => key !== `${name}Parts`)
    .map(([, value]) => String(value));
}

describe("entity fields", () => {
  it("join what they split, for short, empty and long text", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 20, unit: "binary" }), fc.integer({ min: 0, max: 100_000 }).map((n) => "é𝄞x".repeat(n))),
        (text) => {
          expect(joinText(splitText("env", text), "env")).toBe(text);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("keep an empty string as one empty part", () => {
    expect(splitText("env", "")).toStrictEqual({ env0: "", envParts: 1 });
    expect(joinText({ env0: "", envParts: 1 }, "env")).toBe("");
  });

  it("split long text into numbered parts of at most 30000 code units", () => {
    const text = "a".repeat(2 * maxPart + 1);
    const entity = splitText("env", text);
    expect(entity["envParts"]).toBe(3);
    expect(parts(entity, "env").map((part) => part.length)).toStrictEqual([maxPart, maxPart, 1]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), (length) => {
        const split = splitText("command", "b".repeat(length));
        expect(parts(split, "command").every((part) => part.length <= maxPart)).toBe(true);
        expect(split["commandParts"]).toBe(Math.max(1, Math.ceil(length / maxPart)));
      }),
      { numRuns: 50 },
    );
  });

  it("keep fields of different names apart in one entity", () => {
    const entity = { ...splitText("env", "x".repeat(maxPart + 5)), ...splitText("command", "[]") };
    expect(joinText(entity, "env")).toBe("x".repeat(maxPart + 5));
    expect(joinText(entity, "command")).toBe("[]");
  });

  it("have nothing to join for a field the entity does not hold", () => {
    expect(joinText({ other0: "x", otherParts: 1 }, "env")).toBeUndefined();
  });
});
