import * as pulumi from "@pulumi/pulumi";
import { ConfigError, configProblemsOf } from "../service/config.js";
import type { ConfigName } from "../service/config-names.js";

/**
 * The service's own check of variables the component passes it, so that a stack the service
 * would refuse fails preview instead of crash-looping the Container App: run before any resource
 * exists on what the arguments decide, and inside an `apply` on a secret once it is known. A
 * plain value is checked as the service will check it and an unset one as the service's default;
 * an Output (a secret, or a value only a resource knows) is left out, and so is every rule
 * between variables that reads it. The one problem returned is the very message the service
 * would fail with, which names variables and never their values.
 */
export function serviceSettingProblems(entries: readonly [ConfigName, pulumi.Input<string> | undefined][]): string[] {
  const known = entries.filter((entry): entry is [ConfigName, string | undefined] => entry[1] === undefined || typeof entry[1] === "string");
  const env = Object.fromEntries(known.filter(([, value]) => value !== undefined));
  const problems = configProblemsOf(env, known.map(([name]) => name));
  return problems.length > 0 ? [new ConfigError(problems).message] : [];
}

/** Fails the deployment (not just this value) with `problems`, which name config keys and never values. */
export function refuse(problems: string[]): void {
  if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
}
