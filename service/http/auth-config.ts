import type { ConfigProblem } from "../config-error.js";
import { configNames } from "../config-names.js";
import { list } from "../config-values.js";
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
 * TRIGGER_API_KEYS: comma-separated `key` or `label:key` entries. An unlabelled key is named
 * `key-N` by its position, so label keys whose `startedBy` must survive a rotation.
 */
export function apiKeysSchema() {
  return list().transform((entries, ctx): ApiKey[] => {
    const keys = entries.map((entry, index) => {
      const { label, key } = splitApiKeyEntry(entry);
      return { label: label ?? `key-${index + 1}`, value: key };
    });
    if (keys.some((key) => key.value.length < minApiKeyLength)) {
      ctx.addIssue({ code: "custom", message: `must be comma-separated keys (or label:key) of at least ${minApiKeyLength} characters each` });
    }
    if (new Set(keys.map((key) => key.label)).size < keys.length) ctx.addIssue({ code: "custom", message: "must not repeat a label" });
    return keys;
  });
}

/** A comma-separated list of GUIDs, lowercased. */
export function guidListSchema(message: string) {
  return list()
    .refine((items) => items.every(isGuid), message)
    .transform((items) => items.map((item) => item.toLowerCase()));
}

/** The auth variables, each already valid on its own. */
export interface AuthVariables {
  keys: ApiKey[];
  allowUnauthenticated: boolean;
  tenantId?: string | undefined;
  audiences?: string[] | undefined;
  requiredRole?: string | undefined;
  allowedClients?: string[] | undefined;
  authority: string;
  acceptV1Tokens: boolean;
}

/** What the Entra ID variables lack together: a tenant for the others, an audience for the tenant. */
export function entraProblems(vars: AuthVariables): ConfigProblem[] {
  if (vars.tenantId === undefined) {
    const given: [string, unknown][] = [
      [configNames.entraAudience, vars.audiences],
      [configNames.entraRequiredRole, vars.requiredRole],
      [configNames.entraAllowedClients, vars.allowedClients],
    ];
    const strays = given.filter(([, value]) => value !== undefined).map(([name]) => name);
    return strays.length > 0 ? [{ variable: configNames.entraTenantId, problem: `is required when ${strays.join(", ")} is set` }] : [];
  }
  if (vars.audiences === undefined || vars.audiences.length === 0) {
    return [{ variable: configNames.entraAudience, problem: `is required when ${configNames.entraTenantId} is set` }];
  }
  return [];
}

/**
 * Callers authenticate with keys, Entra ID, or both (either one admits a caller). Without
 * either, TRIGGER_ALLOW_UNAUTHENTICATED=true must say so explicitly, and only then.
 */
export function authProblems(vars: AuthVariables): ConfigProblem[] {
  const hasKeys = vars.keys.length > 0;
  const hasEntra = vars.tenantId !== undefined;
  if (hasKeys || hasEntra) {
    if (!vars.allowUnauthenticated) return [];
    const set = [...(hasKeys ? [configNames.apiKeys] : []), ...(hasEntra ? [configNames.entraTenantId] : [])];
    return [{ variable: configNames.allowUnauthenticated, problem: `must not be true while ${set.join(" or ")} is set` }];
  }
  if (vars.allowUnauthenticated) return [];
  const problem = `is required (or set ${configNames.entraTenantId} for Entra ID callers, or ${configNames.allowUnauthenticated}=true to run without authentication)`;
  return [{ variable: configNames.apiKeys, problem }];
}

/** How callers authenticate, from variables that passed `entraProblems` and `authProblems`. */
export function authConfig(vars: AuthVariables): AuthConfig {
  if (vars.keys.length === 0 && vars.tenantId === undefined) return { kind: "none" };
  const entra: EntraSettings | undefined =
    vars.tenantId === undefined
      ? undefined
      : {
          tenantId: vars.tenantId.toLowerCase(),
          audiences: vars.audiences ?? [],
          ...(vars.requiredRole ? { requiredRole: vars.requiredRole } : {}),
          ...(vars.allowedClients && vars.allowedClients.length > 0 ? { allowedClients: vars.allowedClients } : {}),
          authority: vars.authority,
          acceptV1Tokens: vars.acceptV1Tokens,
        };
  return { kind: "required", keys: vars.keys, ...(entra ? { entra } : {}) };
}
