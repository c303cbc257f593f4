/**
 * Where two pieces of ARM wire JSON differ, path by path. `expected` may hold placeholders: a
 * string like `"<timestamp>"` matches any string, so a fixture can scrub what depends on the
 * environment (ids, names, times, addresses) and still pin the type.
 */
export interface WireDifference {
  /** e.g. `properties.containers[0].properties.ports`; `""` is the root. */
  path: string;
  kind: "missing" | "extra" | "type" | "value" | "length";
  expected?: unknown;
  actual?: unknown;
}

const placeholder = /^<[^<>]+>$/;

/** True for a fixture placeholder such as `"<group id>"`. */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === "string" && placeholder.test(value);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** Every difference between `expected` and `actual`; arrays of different lengths are not compared item by item. */
export function wireDifferences(expected: unknown, actual: unknown, path = ""): WireDifference[] {
  if (isPlaceholder(expected)) return typeof actual === "string" ? [] : [{ path, kind: "type", expected, actual }];
  if (typeOf(expected) !== typeOf(actual)) return [{ path, kind: "type", expected, actual }];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return [{ path, kind: "length", expected: expected.length, actual: actual.length }];
    return expected.flatMap((item, index) => wireDifferences(item, actual[index], `${path}[${index}]`));
  }
  if (typeOf(expected) === "object") {
    const want = expected as Record<string, unknown>;
    const got = actual as Record<string, unknown>;
    const missing = Object.keys(want).filter((key) => !(key in got)).map((key): WireDifference => ({ path: join(path, key), kind: "missing", expected: want[key] }));
    const extra = Object.keys(got).filter((key) => !(key in want)).map((key): WireDifference => ({ path: join(path, key), kind: "extra", actual: got[key] }));
    const shared = Object.keys(want).filter((key) => key in got).flatMap((key) => wireDifferences(want[key], got[key], join(path, key)));
    return [...missing, ...extra, ...shared];
  }
  return Object.is(expected, actual) ? [] : [{ path, kind: "value", expected, actual }];
}

/** The path with array indexes dropped (`containers[0].x` → `containers[].x`), for matching a rule to every item. */
export function genericPath(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/** True when `path` is `rule` or lies under it. */
export function isUnder(path: string, rule: string): boolean {
  const generic = genericPath(path);
  return generic === rule || generic.startsWith(`${rule}.`) || generic.startsWith(`${rule}[`);
}
