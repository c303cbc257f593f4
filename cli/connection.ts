import { UsageError } from "./cli-error.js";
import { envNames } from "./env-names.js";

/** Where the service is and the key to call it with. */
export interface Connection {
  /** The service's base URL, without a trailing slash. */
  url: string;
  /** None for a service that admits callers without a credential (`npm start` without keys). */
  key?: string;
}

/** The connection settings as given on the command line. */
export interface ConnectionFlags {
  url?: string;
  key?: string;
  stack?: string;
}

/** Reads a stack's outputs; injected so the entry point alone runs `pulumi`. */
export type StackReader = (stack: string) => Promise<{ url?: string; apiKey?: string }>;

// Any byte a header value cannot carry: checked here, because fetch's own error would quote the value.
const headerSafe = /^[\x21-\x7e]+$/;

/** The base URL as the client calls it: http(s), no credentials, query or fragment; no trailing slash. */
export function serviceUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${source} is not a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`${source} must be an http or https URL.`);
  if (url.username || url.password) throw new UsageError(`${source} must not carry credentials: give the key with ${envNames.key}.`);
  if (url.search || url.hash) throw new UsageError(`${source} must not have a query or fragment.`);
  return url.href.replace(/\/+$/, "");
}

function checkedKey(key: string, source: string): string {
  if (!headerSafe.test(key)) throw new UsageError(`${source} holds characters an HTTP header cannot carry (spaces, line breaks or non-ASCII).`);
  return key;
}

/**
 * The connection, each of URL and key from the first source that has it: `--url`/`--key`,
 * then the stack named by `--stack` (an explicit choice, so it wins over the environment), then
 * `TRIGGER_URL`/`TRIGGER_KEY`. Pulumi is asked only when a flag left something to find. The URL
 * is required; without a key, requests go without a credential.
 */
export async function resolveConnection(flags: ConnectionFlags, env: Record<string, string | undefined>, readStack: StackReader): Promise<Connection> {
  let url = flags.url ? { value: flags.url, source: "--url" } : undefined;
  let key = flags.key ? { value: flags.key, source: "--key" } : undefined;
  if ((!url || !key) && flags.stack) {
    const outputs = await readStack(flags.stack);
    const where = `the output of stack ${flags.stack}`;
    if (!url) url = outputs.url ? { value: outputs.url, source: `${where} 'url'` } : undefined;
    if (!key) key = outputs.apiKey ? { value: outputs.apiKey, source: `${where} 'apiKey'` } : undefined;
    if (!url || !key) throw new UsageError(`Stack ${flags.stack} has no ${!url ? "'url'" : "'apiKey'"} output: is it the trigger's stack, deployed?`);
  }
  url ??= env[envNames.url] ? { value: env[envNames.url]!, source: envNames.url } : undefined;
  key ??= env[envNames.key] ? { value: env[envNames.key]!, source: envNames.key } : undefined;
  // No key is a choice, not a mistake: the local demo admits callers without one, and a service
  // that wants a key says so with a 401 that the client turns into how to give one.
  if (!url) throw new UsageError(`No service URL: set ${envNames.url} (and ${envNames.key}), or pass --stack NAME (or --url and --key).`);
  return { url: serviceUrl(url.value, url.source), ...(key ? { key: checkedKey(key.value, key.source) } : {}) };
}
