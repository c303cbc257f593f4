import { performance } from "node:perf_hooks";
import type { Logger } from "../logger.js";

export interface ReconcileLoop {
  /** Asks for a pass soon (a run was queued, a group may be free); passes never overlap. */
  kick(): void;
  /** Resolves after the next complete pass. */
  idle(): Promise<void>;
  /** Stops after the pass in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs` (from the start of one to the next) and whenever kicked, one
 * pass at a time. The first pass runs at once: a replica that wakes from zero catches up on
 * every end that happened while none ran.
 */
export function startReconcileLoop(pass: () => Promise<unknown>, options: { intervalMs: number; logger: Logger }): ReconcileLoop {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let waiters: Array<() => void> = [];

  let began = 0;

  // An interval after the last pass began, not after it ended: a pass that reads every watched
  // group still reads each at most once an interval, and an end is noticed within an interval
  // rather than within an interval and a pass.
  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, began + options.intervalMs - performance.now()));
    timer.unref();
  };

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    began = performance.now();
    running = (async () => {
      try {
        await pass();
      } catch (error) {
        options.logger.warn("reconcile pass failed", { err: error });
      }
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    })().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        run();
      } else {
        schedule();
      }
    });
  }

  run();
  return {
    kick: () => run(),
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        run();
      }),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      for (const resolve of waiters) resolve();
      waiters = [];
    },
  };
}
