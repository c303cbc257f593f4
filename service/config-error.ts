/** One variable at fault and the rule it broke, in words that never quote its value. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/**
 * The service's environment is unusable. The message names every bad variable and why, never
 * its value: some of them hold secrets, and the message ends up in logs.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** the names of the variables at fault, in the order of the problems */
  readonly variables: readonly string[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join("; ")}`);
    this.variables = [...new Set(problems.map((p) => p.variable))];
  }
}
