import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { archivedBytes, formatArchiveLine, parseArchiveLine, parseWindow, type ArchiveLine, type LogLine } from "../../service/core/log-lines.js";
import { archiveTailOf, emptyArchive, mergeWindow, tailShare, type ArchiveTail } from "../../service/core/log-merge.js";

const base = Date.parse("2026-12-04T09:00:00.000Z");
const now = "2026-12-04T10:00:00.000Z";

/** A container's output: times that never go back (often equal), texts that repeat, no two lines alike in both. */
const outputArb = fc.array(fc.tuple(fc.nat({ max: 2 }), fc.constantFrom("ok", "ok", "tick", "done", "x".repeat(40))), { minLength: 1, maxLength: 200 }).map((steps) => {
  const lines: LogLine[] = [];
  const seen = new Set<string>();
  let ms = base;
  for (const [step, text] of steps) {
    ms += step;
    while (seen.has(`${ms} ${text}`)) ms += 1;
    seen.add(`${ms} ${text}`);
    lines.push({ at: new Date(ms).toISOString(), text });
  }
  return lines;
});

/** Copies of a growing output: how much of it was written at each read, and how much of that ACI's window still held. */
const readsArb = (length: number, overlapping: boolean) =>
  fc.array(fc.tuple(fc.nat({ max: length }), fc.nat({ max: length })), { maxLength: 12 }).map((pairs) => {
    const written = [...pairs.map(([at]) => at), length].sort((a, b) => a - b);
    return written.map((count, index) => {
      const before = index === 0 ? 0 : written[index - 1]!;
      // Overlapping: each window reaches back to the last line of the read before (all of it, for the first).
      const least = !overlapping ? 1 : before > 0 ? count - before + 1 : count;
      const held = Math.min(count, Math.max(least, pairs[index]?.[1] ?? count));
      return { count, held };
    });
  });

/** An output and the reads of it a copier made. */
const copiesArb = (overlapping: boolean) => outputArb.chain((output) => fc.tuple(fc.constant(output), readsArb(output.length, overlapping)));

/** The archive after merging each read in turn, the last one final, as a copier would. */
function archive(output: LogLine[], reads: Array<{ count: number; held: number }>, maxBytes = 10 * 1024 * 1024): ArchiveLine[] {
  let tail: ArchiveTail = emptyArchive;
  const lines: ArchiveLine[] = [];
  reads.forEach(({ count, held }, index) => {
    const window = output.slice(count - held, count);
    const merged = mergeWindow(tail, window, { attempt: 1, final: index === reads.length - 1, maxBytes, now });
    lines.push(...merged.lines);
    tail = merged.tail;
  });
  return lines;
}

const indexIn = (output: LogLine[]) => (line: ArchiveLine) => output.findIndex((o) => o.at === line.at && o.text === line.text);

describe("merging ACI's log window into the archive", () => {
  it("archives every line once, in order, when each read overlaps the one before", () => {
    fc.assert(
      fc.property(
        copiesArb(true),
        ([output, reads]) => {
          const lines = archive(output, reads);
          expect(lines.filter((line) => line.kind === "notice")).toEqual([]);
          expect(lines.map(({ at, text }) => ({ at, text }))).toEqual(output);
        },
      ),
    );
  });

  it("never repeats or reorders a line, and marks every place where lines were lost", () => {
    fc.assert(
      fc.property(
        copiesArb(false),
        ([output, reads]) => {
          const lines = archive(output, reads);
          const indexes = lines.map((line) => (line.kind === "output" ? indexIn(output)(line) : -1));
          const outputs = indexes.filter((index) => index >= 0);
          for (let i = 1; i < outputs.length; i += 1) expect(outputs[i]).toBeGreaterThan(outputs[i - 1]!);
          expect(outputs.at(-1)).toBe(output.length - 1);
          // Between two archived lines that are not neighbours in the output, a note says so.
          for (let i = 0, previous = -1; i < indexes.length; i += 1) {
            if (indexes[i]! < 0) continue;
            if (previous >= 0 && indexes[i]! > indexes[previous]! + 1) expect(lines.slice(previous + 1, i).some((line) => line.kind === "notice")).toBe(true);
            previous = i;
          }
        },
      ),
    );
  });

  it("keeps the head and the tail past the cap, within it, and says what was dropped", () => {
    fc.assert(
      fc.property(
        copiesArb(true),
        fc.integer({ min: 600, max: 6000 }),
        ([output, reads], maxBytes) => {
          const lines = archive(output, reads, maxBytes);
          const bytes = lines.reduce((sum, line) => sum + archivedBytes(line), 0);
          expect(bytes).toBeLessThanOrEqual(maxBytes);
          const indexes = lines.filter((line) => line.kind === "output").map(indexIn(output));
          const total = output.reduce((sum, line) => sum + archivedBytes({ kind: "output", ...line }), 0);
          if (total <= maxBytes - tailShare(maxBytes)) {
            expect(indexes).toEqual(output.map((_, i) => i));
            return;
          }
          // A prefix, then a suffix that ends with the last line; a note between them.
          const cut = indexes.findIndex((index, i) => index !== i);
          const head = cut < 0 ? indexes.length : cut;
          const rest = indexes.slice(head);
          rest.forEach((index, i) => expect(index).toBe(output.length - rest.length + i));
          if (indexes.length < output.length) expect(lines.some((line) => line.kind === "notice" && /dropped/.test(line.text))).toBe(true);
        },
      ),
    );
  });

  it("reads its own tail back: a copy by another replica goes on where the archive ends", () => {
    fc.assert(
      fc.property(
        copiesArb(true),
        ([output, reads]) => {
          let tail: ArchiveTail = emptyArchive;
          const lines: ArchiveLine[] = [];
          reads.forEach(({ count, held }, index) => {
            const merged = mergeWindow(tail, output.slice(count - held, count), { attempt: 1, final: index === reads.length - 1, maxBytes: 1 << 20, now });
            lines.push(...merged.lines);
            // As a replica that never copied this run reads the archive: from its lines.
            const raw = lines.map(formatArchiveLine);
            tail = archiveTailOf(raw.map(parseArchiveLine).filter((line) => line !== undefined), merged.tail.bytes, true, 1);
          });
          expect(lines.map(({ at, text }) => ({ at, text }))).toEqual(output);
        },
      ),
    );
  });

  it("starts a later attempt with a note, and ignores a late read of an earlier one", () => {
    const first = mergeWindow(emptyArchive, [{ at: "2026-12-04T09:00:00.000Z", text: "one" }], { attempt: 1, final: true, maxBytes: 1 << 20, now });
    const second = mergeWindow(first.tail, [{ at: "2026-12-04T09:01:00.000Z", text: "two" }], { attempt: 2, final: false, maxBytes: 1 << 20, now });
    expect(second.lines.map((line) => [line.kind, line.text])).toEqual([
      ["notice", "attempt 2 begins"],
      ["output", "two"],
    ]);
    expect(mergeWindow(second.tail, [{ at: "2026-12-04T09:00:30.000Z", text: "late" }], { attempt: 1, final: true, maxBytes: 1 << 20, now }).lines).toEqual([]);
  });
});

describe("ACI's window as read", () => {
  it("leaves a line still being written for the next copy, and a cut first line out", () => {
    const content = "09:00:00.000Z cut\n2026-12-04T09:00:00.123456789Z first\n2026-12-04T09:00:01Z second\n2026-12-04T09:00:02Z par";
    expect(parseWindow(content, false).map((line) => line.text)).toEqual(["first", "second"]);
    expect(parseWindow(content, true).map((line) => line.text)).toEqual(["first", "second", "par"]);
  });

  it("tells the archive's notes from output that looks like them", () => {
    expect(parseArchiveLine("2026-12-04T09:00:00Z! a note")).toMatchObject({ kind: "notice", text: "a note" });
    expect(parseArchiveLine("2026-12-04T09:00:00Z ! not a note")).toMatchObject({ kind: "output", text: "! not a note" });
  });
});
