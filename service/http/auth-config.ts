import { configNames } from "../config-names.js";
import type { EnvReader } from "../config.js";
import { minApiKeyLength, splitApiKeyEntry } from "../core/limits.js";

/** A bearer key and the label that names it in logs and in a run's `startedBy`. */
export interface ApiKey {
  label: string;
  value: string;
}

/** What an Entra ID access token must show to be accepted (see `createEntraVerifier`). */
export interface EntraSettings {
  tenantId: string;
  /** Accepted `aud` values: the API's application ID URI and/or its client id. */
  audiences: string[];
  /** An app role the token's `roles` claim must hold. */
  requiredRole?: string;
  /** Client (application) ids allowed to call; any client of the tenant when unset. */
  allowedClients?: string[];
  /** Login endpoint base, `https://login.microsoftonline.com` unless another cloud or the emulator. */
  authority: string;
  /** Also accept v1.0 tokens (issuer `https://sts.windows.net/{tenant}/`). */
  acceptV1Tokens: boolean;
}

/** Callers must present a key or an Entra ID token, or (only when told so) anyone is let in. */
export type AuthConfig = { kind: "none" } | { kind: "required"; keys: ApiKey[]; entra?: EntraSettings };

export const defaultEntraAuthority = "https://login.microsoftonline.com";

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// `label:key`: labels never contain ':', and generated keys (hex, base64) never do either, so
// the first ':' splits without ambiguity (unlike '=', which ends padded base64 keys).

/** True for a GUID, the form of tenant and client ids. */
export const isGuid = (value: string) => guid.test(value);

/**
 * Parses TRIGGER_API_KEYS: comma-separated `key` or `label:key` entries. An unlabelled key is
 * named `key-N` by its position, so label keys whose `startedBy` must survive a rotation.
 */
export function parseApiKeys(read: EnvReader, entries: string[]): ApiKey[] {
  const keys = entries.map((entry, index) => {
    const { label, key } = splitApiKeyEntry(entry);
    return { label: label ?? `key-${index + 1}`, value: key };
  });
  if (keys.some((key) => key.value.length < minApiKeyLength)) {
    read.fail(configNames.apiKeys, `must be comma-separated keys (or label:key) of at least ${minApiKeyLength} characters each`);
  }
  if (new Set(keys.map((key) => key.label)).size < keys.length) read.fail(configNames.apiKeys, "must not repeat a label");
  return keys;
}

function readEntra(read: EnvReader): EntraSettings | undefined {
  const tenantId = read.optional(configNames.entraTenantId);
  const audiences = read.list(configNames.entraAudience);
  const requiredRole = read.optional(configNames.entraRequiredRole);
  const allowedClients = read.list(configNames.entraAllowedClients);
  const authority = read.httpsUrl(configNames.entraAuthority, defaultEntraAuthority);
  const acceptV1Tokens = read.boolean(configNames.entraAcceptV1Tokens, false);
  if (tenantId === undefined) {
    const strays = [configNames.entraAudience, configNames.entraRequiredRole, configNames.entraAllowedClients].filter((name) => read.optional(name) !== undefined);
    if (strays.length > 0) read.fail(configNames.entraTenantId, `is required when ${strays.join(", ")} is set`);
    return undefined;
  }
  if (!isGuid(tenantId)) read.fail(configNames.entraTenantId, "must be a GUID (the directory's tenant id)");
  if (audiences === undefined || audiences.length === 0) read.fail(configNames.entraAudience, `is required when ${configNames.entraTenantId} is set`);
  if (allowedClients?.some((client) => !isGuid(client))) read.fail(configNames.entraAllowedClients, "must be comma-separated client ids (GUIDs)");
  return {
    tenantId: tenantId.toLowerCase(),
    audiences: audiences ?? [],
    ...(requiredRole ? { requiredRole } : {}),
    ...(allowedClients && allowedClients.length > 0 ? { allowedClients: allowedClients.map((client) => client.toLowerCase()) } : {}),
    authority,
    acceptV1Tokens,
  };
}

/**
 * Reads how callers authenticate: keys, Entra ID, or both (either one admits a caller). Without
 * either, TRIGGER_ALLOW_UNAUTHENTICATED=true must say so explicitly.
 */
export function readAuth(read: EnvReader): AuthConfig {
  const entries = read.list(configNames.apiKeys) ?? [];
  const allow = read.boolean(configNames.allowUnauthenticated, false);
  const keys = parseApiKeys(read, entries);
  const entra = readEntra(read);
  if (keys.length > 0 || entra) {
    if (allow) {
      const set = [...(keys.length > 0 ? [configNames.apiKeys] : []), ...(entra ? [configNames.entraTenantId] : [])];
      read.fail(configNames.allowUnauthenticated, `must not be true while ${set.join(" or ")} is set`);
    }
    return { kind: "required", keys, ...(entra ? { entra } : {}) };
  }
  if (allow) return { kind: "none" };
  read.fail(
    configNames.apiKeys,
    `is required (or set ${configNames.entraTenantId} for Entra ID callers, or ${configNames.allowUnauthenticated}=true to run without authentication)`,
  );
  return { kind: "none" };
}
