import type { ProxiedRequest } from "./counting-proxy.js";

/**
 * What one Azure Tables request was, from its method and path: `query` (a filtered list, e.g.
 * the pool view), `read` (one entity by its keys), `batch` (an entity group transaction), or the
 * method itself for single-entity writes.
 */
export function storeCallKind(call: Pick<ProxiedRequest, "method" | "path">): string {
  const method = call.method.toUpperCase();
  if (method === "POST" && call.path.endsWith("/$batch")) return "batch";
  if (method === "GET") return /\(PartitionKey=/i.test(decodeURIComponent(call.path)) ? "read" : "query";
  return method.toLowerCase();
}
