/** One server-sent event: its type (`message` unless named), id and data. */
export interface SseMessage {
  event: string;
  id?: string;
  data: string;
}

/**
 * A parser of a `text/event-stream` body fed in chunks as they arrive: each `push` answers the
 * events the chunk completed (a blank line ends one). Comments (`: keep-alive`) are skipped, and
 * several `data:` lines of one event are joined with newlines, as the format says.
 */
export function sseParser(): { push(chunk: string): SseMessage[] } {
  let buffer = "";
  let event = "";
  let id: string | undefined;
  let data: string[] = [];
  return {
    push(chunk) {
      buffer += chunk;
      const out: SseMessage[] = [];
      for (let end = buffer.search(/\r\n|\r|\n/); end >= 0; end = buffer.search(/\r\n|\r|\n/)) {
        // A lone \r at the chunk's end may be half of \r\n: wait for the next chunk.
        if (buffer[end] === "\r" && end === buffer.length - 1) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          if (data.length > 0 || event !== "") out.push({ event: event || "message", ...(id === undefined ? {} : { id }), data: data.join("\n") });
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "id") id = value;
      }
      return out;
    },
  };
}
