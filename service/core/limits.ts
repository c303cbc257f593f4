/**
 * Limits that the service enforces and the Pulumi program checks before it deploys, so that a
 * stack the service would refuse fails `pulumi up` instead of crash-looping the Container App.
 */

/** Shortest bearer key the service accepts in TRIGGER_API_KEYS. */
export const minApiKeyLength = 16;
