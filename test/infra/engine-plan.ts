/**
 * The part of the Pulumi engine's planning that mocks skip: how `ignoreChanges` rewrites the new
 * inputs from the recorded ones (a port of `PropertyPath.Reset`, pulumi/pulumi
 * sdk/go/common/resource/properties_path.go), and whether the remaining differences are an
 * update or, through `replaceOnChanges` (`PropertyPath.Contains`), a replacement.
 */

type Segment = string | number;
type Path = Segment[];
type Json = unknown;

/** Parses a property path such as `a.b[*].c["d"]` or `a[0]`. */
export function parsePath(text: string): Path {
  const path: Path = [];
  const pattern = /(?:^|\.)([A-Za-z_$][\w$]*)|\[(\d+)\]|\[\*\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else if (match[3] !== undefined) path.push(match[3].replaceAll(/\\(.)/g, "$1"));
    else path.push("*");
    if (pattern.lastIndex === text.length) return path;
  }
  throw new Error(`not a property path: ${text}`);
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `PropertyPath.reset`: sets `next` at `path` to its value in `old`; false is a path error. */
function reset(path: Path, old: Json, next: Json): boolean {
  const [key, ...rest] = path;
  if (key === undefined) return false;
  if (typeof key === "number") {
    if (!Array.isArray(old) || !Array.isArray(next)) return !Array.isArray(old) && !Array.isArray(next);
    if (key >= old.length && key >= next.length) return true;
    if (key >= old.length || key >= next.length) return false;
    if (rest.length === 0) {
      next[key] = structuredClone(old[key]);
      return true;
    }
    return reset(rest, old[key], next[key]);
  }
  if (key === "*") {
    if (rest.length === 0) {
      if (isObject(next) && isObject(old)) {
        for (const name of Object.keys(next)) if (!Object.hasOwn(old, name)) delete next[name];
        for (const [name, value] of Object.entries(old)) next[name] = structuredClone(value);
        return true;
      }
      if (Array.isArray(next) && Array.isArray(old)) {
        if (old.length !== next.length) return false;
        old.forEach((value, index) => (next[index] = structuredClone(value)));
        return true;
      }
      return isObject(next);
    }
    if (isObject(old) && isObject(next)) {
      return Object.keys(old).every((name) => Object.hasOwn(next, name) && reset(rest, old[name], next[name]));
    }
    if (Array.isArray(old) && Array.isArray(next)) {
      return old.length === next.length && old.every((value, index) => reset(rest, value, next[index]));
    }
    return false;
  }
  if (rest.length === 0) {
    if (isObject(old) && Object.hasOwn(old, key)) {
      if (!isObject(next)) return false;
      next[key] = structuredClone(old[key]);
    } else if (isObject(next)) {
      delete next[key];
    }
    return true;
  }
  if (!isObject(old) || !isObject(next)) return !isObject(old) && !isObject(next);
  const hasOld = Object.hasOwn(old, key);
  const hasNew = Object.hasOwn(next, key);
  if (hasOld && !hasNew) return false;
  if (!hasOld && !hasNew) return true;
  return reset(rest, old[key], next[key]);
}

/** The inputs the engine sends after `ignoreChanges`; a path error fails the deployment, as there. */
export function withIgnoredChanges(olds: Record<string, Json>, news: Record<string, Json>, ignoreChanges: readonly string[]): Record<string, Json> {
  const sent = structuredClone(news);
  const broken = ignoreChanges.filter((path) => !reset(parsePath(path), olds, sent));
  if (broken.length > 0) throw new Error(`cannot ignore changes to ${broken.join(", ")}: one or more elements of the path are missing`);
  return sent;
}

function changedPaths(old: Json, next: Json, at: Path = []): Path[] {
  if (Array.isArray(old) && Array.isArray(next) && old.length === next.length) {
    return old.flatMap((value, index) => changedPaths(value, next[index], [...at, index]));
  }
  if (isObject(old) && isObject(next)) {
    const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
    return [...keys].flatMap((key) => changedPaths(old[key], next[key], [...at, key]));
  }
  return JSON.stringify(old) === JSON.stringify(next) ? [] : [at];
}

/** `PropertyPath.Contains`: `pattern` is a prefix of `path`, `*` matching any one segment. */
function contains(pattern: Path, path: Path): boolean {
  return path.length >= pattern.length && pattern.every((segment, index) => segment === "*" || segment === path[index]);
}

export type Step = "same" | "update" | "replace";

export interface Plan {
  step: Step;
  /** The inputs the provider receives for an update or the re-creation. */
  sent: Record<string, any>;
}

/**
 * What `pulumi up` does to a resource whose recorded inputs are `olds` when the program now says
 * `news`. As in the engine's step generator, the ignored paths come from the record for an
 * update and for a replacement a change calls for alike; only a replacement the user asked for
 * (`pulumi up --replace <urn>`, `targetedReplace`) checks the program's inputs alone.
 */
export function planStep(
  olds: Record<string, Json>,
  news: Record<string, Json>,
  options: { ignoreChanges: readonly string[]; replaceOnChanges: readonly string[]; targetedReplace?: boolean },
): Plan {
  if (options.targetedReplace) return { step: "replace", sent: structuredClone(news) };
  const sent = withIgnoredChanges(olds, news, options.ignoreChanges);
  const changes = changedPaths(olds, sent);
  if (changes.length === 0) return { step: "same", sent };
  const replaces = options.replaceOnChanges.map(parsePath);
  const step = changes.some((change) => replaces.some((pattern) => contains(pattern, change))) ? "replace" : "update";
  return { step, sent };
}
