/**
 * A value the program computes in an `apply` that throws fails `pulumi up`: the Node.js language
 * host reports the rejection and the engine stops before creating the resource that needed it.
 * Under mocks that rejection surfaces as an unhandled rejection of the test process, so this
 * collector takes the engine's place: it replaces the process's handlers for the rest of the test
 * file's fork (vitest runs each file in a fork of its own). It is never handed back, because one
 * failed value fails every output derived from it, and those may settle after the file's last
 * test; `all` lets the file check that nothing else failed.
 */
export interface DeploymentFailures {
  /** The first failure whose message matches, once the program has raised it. */
  next(matching: RegExp): Promise<Error>;
  /** Every failure raised so far. */
  readonly all: readonly Error[];
}

export function collectDeploymentFailures(): DeploymentFailures {
  process.removeAllListeners("unhandledRejection");
  const failures: Error[] = [];
  const waiting: { matching: RegExp; resolve: (error: Error) => void }[] = [];
  process.on("unhandledRejection", (reason: unknown) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    failures.push(error);
    for (const waiter of waiting.filter((candidate) => candidate.matching.test(error.message))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(error);
    }
  });
  return {
    all: failures,
    next(matching) {
      const seen = failures.find((error) => matching.test(error.message));
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ matching, resolve }));
    },
  };
}
