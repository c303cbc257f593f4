/** Replaces every secret it was told about with `[redacted]`, the last guard on what the client prints. */
export interface Redactor {
  add(secret: string): void;
  redact(text: string): string;
}

/** A redactor of `secrets`; empty strings are ignored. */
export function redactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const known = new Set<string>();
  const add = (secret: string | undefined) => {
    if (secret) known.add(secret);
  };
  secrets.forEach(add);
  return {
    add,
    redact: (text) => [...known].reduce((out, secret) => out.split(secret).join("[redacted]"), text),
  };
}

/** The values given to `--key` in `argv` (`--key K` and `--key=K`), known before any parsing can echo them. */
export function keysInArgv(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => (arg === "--key" ? [argv[i + 1] ?? ""] : arg.startsWith("--key=") ? [arg.slice("--key=".length)] : []));
}
