import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pollerHeaders, type ReplayDifference } from "./recording-replay.js";
import type { Call } from "./standby.js";
import { wireDifferences, type WireDifference } from "./wire-diff.js";

/** One recorded exchange of a vcrpy cassette, as Azure CLI's test suite stores it. */
export interface Interaction {
  request: { method: string; uri: string; body: string | null };
  response: { status: { code: number }; headers: Record<string, string[]>; body: { string: string } };
}

/** A cassette converted to JSON, with where it came from. */
export interface Cassette {
  name: string;
  source: { repo: string; path: string; commit: string };
  about: string;
  interactions: Interaction[];
}

export interface CassetteReplay {
  differences: ReplayDifference[];
  /** The interactions sent, by index. */
  replayed: number[];
  /** Interactions with another provider (resource groups, networks), which the emulator does not serve. */
  skipped: string[];
}

/** The subscription every cassette was scrubbed to. */
const recordedSubscription = "00000000-0000-0000-0000-000000000000";
const servedProviders = /\/providers\/microsoft\.(containerinstance|standbypool)\//i;

export function loadCassettes(dir: string): Cassette[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ name: basename(file, ".json"), ...(JSON.parse(readFileSync(join(dir, file), "utf8")) as Omit<Cassette, "name">) }));
}

/** The cassette as if recorded in `subscriptionId`: every id, path and body moved there. */
export function inSubscription(cassette: Cassette, subscriptionId: string): Cassette {
  return JSON.parse(JSON.stringify(cassette).replaceAll(recordedSubscription, subscriptionId)) as Cassette;
}

/** The recorded answer's body as JSON, or undefined for an empty one. */
export function recordedBody(interaction: Interaction): unknown {
  const text = interaction.response.body.string;
  return text === "" ? undefined : JSON.parse(text);
}

/**
 * Sends a cassette's requests to the emulator as recorded (method, path, api-version, body; an
 * async-operation poll goes to the link the emulator handed out instead) and compares each answer
 * with ARM's: status, which poller headers it carries, and the body key by key.
 */
export async function replayCassette(cassette: Cassette, call: Call): Promise<CassetteReplay> {
  const result: CassetteReplay = { differences: [], replayed: [], skipped: [] };
  let operation: string | undefined;
  for (const [step, interaction] of cassette.interactions.entries()) {
    const url = new URL(interaction.request.uri);
    if (!servedProviders.test(url.pathname)) {
      result.skipped.push(`${interaction.request.method} ${url.pathname}`);
      continue;
    }
    const isPoll = /\/operations\/[^/]+$/i.test(url.pathname);
    if (isPoll && !operation) throw new Error(`${cassette.name} step ${step}: no Azure-AsyncOperation link was handed out before this poll`);
    const target = isPoll && operation ? operation : url.pathname + url.search;
    const body = interaction.request.body === null ? undefined : (JSON.parse(interaction.request.body) as unknown);
    const answer = await call(interaction.request.method as Parameters<Call>[0], target, body);
    const link = answer.headers["azure-asyncoperation"];
    if (link) operation = new URL(link).pathname + new URL(link).search;
    result.replayed.push(step);

    const found: WireDifference[] = [];
    const status = interaction.response.status.code;
    if (answer.status !== status) found.push({ path: "(status)", kind: "value", expected: status, actual: answer.status });
    const recordedHeaders = new Set(Object.keys(interaction.response.headers).map((h) => h.toLowerCase()));
    for (const header of pollerHeaders) {
      const present = answer.headers[header] !== undefined;
      if (present !== recordedHeaders.has(header)) found.push({ path: `(header ${header})`, kind: present ? "extra" : "missing" });
    }
    const expected = recordedBody(interaction);
    if (expected === undefined) {
      if (answer.body !== undefined) found.push({ path: "(body)", kind: "extra", actual: answer.body });
    } else {
      found.push(...wireDifferences(expected, answer.body));
    }
    result.differences.push(...found.map((d) => ({ ...d, step })));
  }
  return result;
}
