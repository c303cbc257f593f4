import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { groupApiVersions, shapeForVersion, speaksStandby } from "./api-versions.js";
import { parseArmPath } from "./arm-paths.js";
import { armHeaders, handleArm, operationApiVersion, type ArmContext } from "./arm-routes.js";
import { isClaim } from "./claim-body.js";
import { claim, claimOperationStatus } from "./claims.js";
import { withLocation } from "./operation-results.js";
import { cloudError, type Reply } from "./cloud-error.js";
import type { EntraTenant } from "./entra.js";
import type { FaultList } from "./faults.js";
import type { TokenIssuer } from "./identity.js";
import { handleStandby, standbyRoute } from "./standby-routes.js";
import type { StandbyState } from "./standby-state.js";

/** One request as the emulator saw it; credentials are redacted. `status` is 0 for a dropped one. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
}

export interface ServerParts {
  tls: { cert: string; key: string };
  port: number;
  host: string;
  location: string;
  context: ArmContext;
  standby: StandbyState;
  tokens: TokenIssuer;
  entra: EntraTenant;
  faults: FaultList;
  requests: RecordedRequest[];
  tokenRequests: RecordedRequest[];
  entraRequests: RecordedRequest[];
  /** The time the lifecycle and tokens are computed at. */
  clock: () => number;
}

export const identityPath = "/msi/token";
const redactedHeaders = new Set(["authorization", "x-identity-header"]);

/** Starts the HTTPS server; resolves with it and its port once it listens. */
export async function listen(parts: ServerParts): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: parts.tls.cert, key: parts.tls.key }, (req, res) => {
    serve(parts, req, res).catch((error: unknown) => {
      console.error(JSON.stringify({ level: "error", msg: "emulator request failed", error: String(error) }));
      if (!res.headersSent) send(res, cloudError(500, "InternalServerError", "The emulator failed to handle the request."));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(parts.port, parts.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function serve(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "https://emulator");
  const method = (req.method ?? "GET").toUpperCase();
  const identity = url.pathname.toLowerCase() === identityPath;
  const raw = await readBody(req);
  if (parts.entra.serves(url.pathname)) {
    // Entra ID is its own service: ARM's faults, token check and headers do not apply to it.
    const reply = parts.entra.handle(method, url.pathname, raw, parts.clock());
    parts.entraRequests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: recordedHeaders(req), body: redactForm(raw), status: reply.status });
    send(res, reply);
    return;
  }
  const parsed = parseJson(raw);
  const record: RecordedRequest = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: recordedHeaders(req),
    body: parsed.ok ? parsed.value : raw,
    status: 0,
  };
  (identity ? parts.tokenRequests : parts.requests).push(record);
  const fault = parts.faults.take(method, url.pathname, identity);
  if (fault && fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault?.until) await fault.until.catch(() => undefined);
  if (fault?.drop && !fault.afterApply) {
    req.socket.destroy();
    return;
  }
  const now = parts.clock();
  let reply: Reply;
  if (fault?.reply && !fault.afterApply) reply = fault.reply;
  else if (identity) reply = method === "GET" ? parts.tokens.issue(url.searchParams, req.headers as Record<string, string | undefined>, now) : cloudError(405, "MethodNotAllowed", "Use GET.");
  else reply = await armReply(parts, method, url, parsed, req.headers.authorization, now);
  if (fault?.afterApply) {
    if (fault.drop) {
      req.socket.destroy();
      return;
    }
    if (fault.reply) reply = fault.reply;
  }
  if (!identity) reply = { ...reply, headers: { ...armHeaders(method, parts.location), ...reply.headers } };
  record.status = reply.status;
  send(res, reply);
}

async function armReply(parts: ServerParts, method: string, url: URL, parsed: ParsedBody, authorization: string | undefined, now: number): Promise<Reply> {
  const unauthorized = parts.tokens.check(authorization, now, `${parts.context.baseUrl}${identityPath}`);
  if (unauthorized) return unauthorized;
  const standby = standbyRoute(url.pathname);
  const path = standby ? undefined : parseArmPath(url.pathname);
  const unserved = cloudError(404, "InvalidResourceType", `The emulator does not serve '${url.pathname}'.`);
  if (!standby && !path) return unserved;
  const version = url.searchParams.get("api-version");
  if (version === null) {
    return cloudError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  const operation = path?.kind === "operation";
  const supported = standby?.versions ?? (operation ? [operationApiVersion, ...groupApiVersions] : groupApiVersions);
  if (!supported.includes(version)) return noRegisteredProvider(parts.location, version, standby?.type ?? (operation ? "locations/operations" : "containerGroups"), [...supported]);
  if (!parsed.ok) return cloudError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
  if (standby) return handleStandby(parts.standby, parts.context, standby.path, { method, body: parsed.value, now, baseUrl: parts.context.baseUrl });
  if (!path) return unserved;
  const claimed = path.kind === "operation" ? claimOperationStatus(parts.standby, path.operationId) : undefined;
  if (claimed) return claimed;
  const reply =
    path.kind === "group" && method === "PUT" && speaksStandby(version) && isClaim(parsed.value)
      ? await claim(parts.context, parts.standby, path, parsed.value, parts.clock)
      : handleArm(parts.context, { method, path, query: url.searchParams, body: parsed.value }, now);
  return withLocation(parts.context, parts.standby, shapeForVersion(reply, version), version, parts.clock());
}

/**
 * ARM's gateway answer to an api-version the provider does not serve: 400 with this text and
 * `x-ms-failure-cause: gateway` (recorded for a containerGroups PUT; a list GET was once seen
 * answered 404 instead, azure-cli#30714, which the emulator does not copy).
 */
function noRegisteredProvider(location: string, version: string, type: string, supported: string[]): Reply {
  const message =
    `No registered resource provider found for location '${location}' and API version '${version}' for type '${type}'. ` +
    `The supported api-versions are '${supported.join(", ")}'. The supported locations are '${location}'.`;
  return cloudError(400, "NoRegisteredProviderFound", message, { "x-ms-failure-cause": "gateway" });
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  const payload = reply.body === undefined ? undefined : JSON.stringify(reply.body);
  if (payload !== undefined) headers["content-type"] = "application/json; charset=utf-8";
  res.writeHead(reply.status, headers);
  res.end(payload);
}

type ParsedBody = { ok: true; value: unknown } | { ok: false };

function parseJson(raw: string): ParsedBody {
  if (raw.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function recordedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    headers[name] = redactedHeaders.has(name) ? redact(text) : text;
  }
  return headers;
}

/** A form body with its client secret replaced. */
function redactForm(raw: string): Record<string, string> {
  const form = Object.fromEntries(new URLSearchParams(raw));
  if ("client_secret" in form) form["client_secret"] = "[redacted]";
  return form;
}

/** Keeps the scheme of a credential header (so tests can see a Bearer token was sent), never the value. */
function redact(value: string): string {
  const scheme = /^(\w+)\s/.exec(value)?.[1];
  return scheme ? `${scheme} [redacted]` : "[redacted]";
}
