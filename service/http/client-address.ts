import { isIPv4, isIPv6 } from "node:net";

/**
 * The address a request came from, for per-client limits. `socketAddress` is the TCP peer;
 * `forwardedFor` the X-Forwarded-For header. With `trustedProxyHops` 0 the header is ignored
 * (a direct caller writes whatever it likes there). With N > 0 the service sits behind N proxies
 * that each append the peer they saw, so the Nth entry from the right is the one no caller
 * can forge (Container Apps ingress is one hop). Entries a caller prepended are never used.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustedProxyHops: number): string {
  const hops = (forwardedFor ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  // Nearest first: the socket peer, then the header from its right end.
  const chain = [socketAddress ?? "unknown", ...hops.reverse()];
  return clientKey(chain[Math.min(trustedProxyHops, chain.length - 1)] ?? "unknown");
}

/**
 * One key per client: ports dropped, IPv4-mapped IPv6 as IPv4, and IPv6 cut to its /64, since a
 * single host is routinely given a whole /64 and could otherwise rotate through it.
 */
export function clientKey(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)?.[1];
  const withoutPort = bracketed ?? (/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address)?.[1] ?? address);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(withoutPort)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(withoutPort)) return withoutPort;
  if (isIPv6(withoutPort)) return `${expandIPv6(withoutPort).slice(0, 4).join(":")}::/64`;
  return withoutPort;
}

function expandIPv6(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const part = (text: string) => (text === "" ? [] : text.split(":"));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const middle = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => "0");
  return [...left, ...middle, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""));
}
