/**
 * A value the program computes in an `apply` that throws fails `pulumi up`: the Node.js language
 * host reports the rejection and the engine stops before creating the resource that needed it.
 * Under mocks that rejection surfaces as an unhandled rejection of the test process, so this
 * collector takes the engine's place for one test file: it replaces the process's handlers (each
 * vitest file runs in its own fork) until `restore`.
 */
export interface DeploymentFailures {
  /** The first failure whose message matches, once the program has raised it. */
  next(matching: RegExp): Promise<Error>;
  /** Every failure raised so far. */
  readonly all: readonly Error[];
  restore(): void;
}

export function collectDeploymentFailures(): DeploymentFailures {
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const failures: Error[] = [];
  const waiting: { matching: RegExp; resolve: (error: Error) => void }[] = [];
  const onRejection = (reason: unknown) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    failures.push(error);
    for (const waiter of waiting.filter((candidate) => candidate.matching.test(error.message))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(error);
    }
  };
  process.on("unhandledRejection", onRejection);
  return {
    all: failures,
    next(matching) {
      const seen = failures.find((error) => matching.test(error.message));
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ matching, resolve }));
    },
    restore() {
      process.off("unhandledRejection", onRejection);
      for (const listener of previous) process.on("unhandledRejection", listener);
    },
  };
}
