/**
 * Limits that the service enforces and the Pulumi program checks before it deploys, so that a
 * stack the service would refuse fails `pulumi up` instead of crash-looping the Container App.
 */

/** Shortest bearer key the service accepts in TRIGGER_API_KEYS. */
export const minApiKeyLength = 16;

const labelled = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,63}):(.*)$/;

/**
 * One TRIGGER_API_KEYS entry, `key` or `label:key`: the label (undefined when there is none) and
 * the key itself, whose length `minApiKeyLength` bounds.
 */
export function splitApiKeyEntry(entry: string): { label?: string; key: string } {
  const match = labelled.exec(entry);
  return match ? { label: match[1] ?? "", key: match[2] ?? "" } : { key: entry };
}

/**
 * What a run's request (env and command, as the JSON the store keeps) may take in the run's table
 * entity. Azure Tables holds an entity to 1 MiB and counts a string two bytes per UTF-16 code
 * unit; the rest of the entity is left to the run's other fields and the property names.
 */
export const maxStoredRequestBytes = 896 * 1024;

/**
 * The most TRIGGER_MAX_ENV_BYTES may be: an env of that many UTF-8 bytes of plain text, with its
 * JSON quoting, fits in `maxStoredRequestBytes`. Only an env of characters JSON escapes (control
 * characters) can still outgrow the entity; `storedRequestBytes` refuses that one.
 */
export const maxEnvBytesCap = 384 * 1024;

/** The bytes a run's request takes in its table entity (see `maxStoredRequestBytes`). */
export function storedRequestBytes(request: { env: Record<string, string>; command?: readonly string[] }): number {
  return 2 * (JSON.stringify(request.env).length + (request.command ? JSON.stringify(request.command).length : 0));
}

/** The longest `timeoutSeconds` a run may ask for (a week), whatever TRIGGER_MAX_TIMEOUT_SECONDS says. */
export const maxTimeoutSeconds = 604_800;
