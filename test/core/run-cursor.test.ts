import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openCursor, sealCursor } from "../../service/core/run-cursor.js";

describe("run cursors", () => {
  it("give back the position they were sealed with", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 120 }), (position) => {
        expect(openCursor(sealCursor(position))).toBe(position);
      }),
    );
  });

  it("are refused once truncated", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 120 }), fc.nat(), (position, cut) => {
        const cursor = sealCursor(position);
        expect(openCursor(cursor.slice(0, cut % cursor.length))).toBeUndefined();
      }),
    );
  });

  it("are refused when one character changes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 120 }), fc.nat(), fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), (position, at, letter) => {
        const cursor = sealCursor(position);
        const i = at % cursor.length;
        fc.pre(cursor[i] !== letter);
        expect(openCursor(`${cursor.slice(0, i)}${letter}${cursor.slice(i + 1)}`)).toBeUndefined();
      }),
    );
  });

  it("refuse what no cursor looks like", () => {
    for (const text of ["", "garbage", "%25", "a b", "cnw4MjAz", "x".repeat(600)]) expect(openCursor(text), text).toBeUndefined();
  });
});
