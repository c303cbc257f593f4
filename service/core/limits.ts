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
