/**
 * ACI's rule for environment variable names (FACTS §7): a letter or `_`, then letters, digits or
 * `_`. The service, the stack and the emulator all hold names to it, so it lives outside each.
 */
export const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
