import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastLines, logFollower, unseenText } from "../../cli/log-follower.js";

const runs = { numRuns: 200 };
const lineArb = fc.string({ maxLength: 12 }).map((text) => `${text.replaceAll("\n", "")}\n`);

/** Cuts `text` at sorted positions into the successive whole answers of a growing log. */
function growingAnswers(text: string, cuts: number[]): string[] {
  return [...cuts.map((cut) => text.slice(0, cut % (text.length + 1))).sort((a, b) => a.length - b.length), text];
}

describe("unseenText", () => {
  it("is what a growing log added since the last answer", () => {
    expect(unseenText("", "a\n")).toBe("a\n");
    expect(unseenText("a\nb", "a\nbc\n")).toBe("c\n");
    expect(unseenText("a\n", "a\n")).toBe("");
  });

  it("adds nothing when an answer is shorter than one before it (a log served late)", () => {
    expect(unseenText("a\nb\n", "a\n")).toBe("");
    expect(unseenText("a\nb\n", "")).toBe("");
  });

  it("continues after the overlap when the service keeps only a window of a long log", () => {
    expect(unseenText("1\n2\n3\n", "2\n3\n4\n")).toBe("4\n");
    expect(unseenText("1\n2\n3\n", "3\n4\n5\n")).toBe("4\n5\n");
  });

  it("takes an answer sharing nothing with the last one as all new", () => {
    expect(unseenText("1\n2\n", "x\ny\n")).toBe("x\ny\n");
  });
});

describe("logFollower", () => {
  it("prints a growing log exactly once, in order, whatever moments it is read at", () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 8 }), (lines, cuts) => {
        const log = lines.join("");
        const follower = logFollower();
        const answers = growingAnswers(log, cuts);
        const printed = answers.map((answer, i) => follower.next(answer, i === answers.length - 1)).join("");
        expect(printed).toBe(log);
      }),
      runs,
    );
  });

  it("prints only whole lines until the last answer, which it prints to the end", () => {
    const follower = logFollower();
    expect(follower.next("step 1 do", false)).toBe("");
    expect(follower.next("step 1 done\nstep 2", false)).toBe("step 1 done\n");
    expect(follower.next("step 1 done\nstep 2 done", true)).toBe("step 2 done");
  });

  it("prints a windowed log of distinct lines exactly once when windows overlap", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(1000), { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (ids, moves) => {
        const lines = ids.map((id) => `line ${id}\n`);
        const windows: Array<[number, number]> = [];
        let [start, end] = [0, 1];
        for (const move of moves) {
          windows.push([start, end]);
          const nextEnd = Math.min(lines.length, end + (move % 4));
          start = Math.min(end, start + (Math.floor(move / 4) % 3));
          end = Math.max(nextEnd, start + 1);
        }
        windows.push([start, lines.length]);
        const follower = logFollower();
        const printed = windows.map(([from, to], i) => follower.next(lines.slice(from, to).join(""), i === windows.length - 1)).join("");
        expect(printed).toBe(lines.slice(0, lines.length).join(""));
      }),
      runs,
    );
  });

  it("starts after what it was told was shown (the tail printed before following)", () => {
    const follower = logFollower("a\nb\n");
    expect(follower.next("a\nb\nc\n", false)).toBe("c\n");
  });
});

describe("lastLines", () => {
  it("keeps the last N lines, a trailing newline ending the last one", () => {
    expect(lastLines("a\nb\nc\n", 2)).toBe("b\nc\n");
    expect(lastLines("a\nb\nc", 1)).toBe("c");
    expect(lastLines("a\n", 5)).toBe("a\n");
    expect(lastLines("", 3)).toBe("");
  });
});
