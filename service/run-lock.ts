/** Runs one task at a time, in arrival order; a failed task does not block those after it. */
export type RunLock = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A FIFO async mutex. Everything that reads the group and then acts on what it read (start,
 * cancel) runs under it, so two requests to one instance never both see an idle group and both
 * send a PUT. It serializes one process only; ARM's own 409 ContainerGroupTransitioning is the
 * guard between instances.
 */
export function createRunLock(): RunLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}
