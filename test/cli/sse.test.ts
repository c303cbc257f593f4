import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sseParser } from "../../cli/sse.js";
import { sseMessage } from "../../service/http/log-stream.js";

describe("the log stream's events", () => {
  it("reads back what the service writes, however the stream is cut into chunks", () => {
    const textArb = fc.string({ unit: fc.constantFrom("a", " ", ":", "é", "\r", "data: x") });
    fc.assert(
      fc.property(fc.array(textArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (texts, cuts) => {
        const events = texts.map((text, i) => ({ kind: i % 3 === 2 ? ("notice" as const) : ("line" as const), id: i + 1, text }));
        const wire = `: keep-alive\n\n${events.map(sseMessage).join("")}${sseMessage({ kind: "end", status: "succeeded" })}`;
        const at = [...new Set(cuts.map((cut) => cut % (wire.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => wire.slice(from, [...at, wire.length][i]));
        const parser = sseParser();
        const read = chunks.flatMap((chunk) => parser.push(chunk));

        expect(read.slice(0, -1)).toEqual(events.map((event) => ({ event: event.kind === "notice" ? "notice" : "message", id: String(event.id), data: event.text.replaceAll("\r", "") })));
        expect(read.at(-1)).toMatchObject({ event: "end", data: '{"status":"succeeded"}' });
      }),
    );
  });
});
