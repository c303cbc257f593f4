import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { ServiceError } from "../core/service-error.js";
import { toErrorResponse } from "./errors.js";

/**
 * The answer to a request Node's HTTP parser refused before the app saw it, in the service's
 * error shape with an `X-Request-Id`, where Node alone would send a bare status line: headers
 * past Node's limit (`--max-http-header-size`, 16 KB: a huge bearer token) are 431
 * `HeadersTooLarge`, anything else unparsable is 400 `InvalidRequest`. A connection already
 * gone or timed out is just closed. Register it as the node server's `clientError` listener.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === "ECONNRESET" || error.code === "ERR_HTTP_REQUEST_TIMEOUT" || !socket.writable) {
    socket.destroy();
    return;
  }
  const refusal =
    error.code === "HPE_HEADER_OVERFLOW"
      ? new ServiceError("HeadersTooLarge", "The request's headers exceed the server's limit of 16 KB.")
      : new ServiceError("InvalidRequest", "The request is not valid HTTP/1.1.");
  const { status, body } = toErrorResponse(refusal);
  const json = `${JSON.stringify(body)}\n`;
  const head = [
    `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : "Bad Request"}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(json)}`,
    `X-Request-Id: ${randomUUID()}`,
    "Connection: close",
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${json}`);
}
