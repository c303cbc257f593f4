/**
 * Which of `secrets` (name → value) appear in `output`, by name, plus any sign of a bearer token
 * or token response: the tokens the emulator issues are random, so their shape is looked for
 * instead of their value. Empty when nothing secret was printed.
 */
export function printedSecrets(output: string, secrets: Record<string, string>): string[] {
  const printed = Object.entries(secrets)
    .filter(([, value]) => value !== "" && output.includes(value))
    .map(([name]) => name);
  if (/Bearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/i.test(output)) printed.push("a bearer token");
  if (/access_token/i.test(output)) printed.push("a token response");
  return printed;
}
