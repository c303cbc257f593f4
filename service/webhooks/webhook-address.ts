import { BlockList, isIP } from "node:net";

/**
 * Addresses a webhook never reaches unless its origin is listed: loopback, link-local (the cloud
 * metadata endpoint 169.254.169.254 among them), private, carrier-grade NAT, unspecified, and the
 * IPv6 forms of each (IPv4-mapped ones are checked as the IPv4 address they carry).
 */
const internal = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const) {
  internal.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const) {
  internal.addSubnet(network, prefix, "ipv6");
}

/** Whether `address` (an IP literal) is internal; anything that is no IP address counts as internal. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return internal.check(mapped, "ipv4");
  return internal.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Why a webhook URL may not be sent to, or undefined when it may. */
export type UrlRefusal = "not-listed" | "not-https" | "internal-address";

/**
 * The one rule of where a webhook may go: a listed origin goes anywhere it resolves; any other
 * must be https, and is checked again on each address it resolved to at send time (see
 * `addressRefused`), so a name that rebinds to an internal address is refused on the address
 * actually connected to.
 */
export function urlRefusal(url: URL, listedOrigins: ReadonlySet<string>): UrlRefusal | undefined {
  if (listedOrigins.has(url.origin)) return undefined;
  if (url.protocol !== "https:") return "not-https";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) !== 0 && isInternalAddress(host) ? "internal-address" : undefined;
}

/** The address check at connect time: a listed origin may resolve anywhere. */
export function addressRefused(url: URL, address: string, listedOrigins: ReadonlySet<string>): boolean {
  return !listedOrigins.has(url.origin) && isInternalAddress(address);
}
