import { fork } from "node:child_process";

/** A bench script in a node process of its own, asked one message at a time over IPC. */
export interface WorkerProcess<Reply> {
  /** Sends `message` and resolves with the worker's next reply; rejects if the worker exits first. */
  ask(message: unknown): Promise<Reply>;
  stop(): Promise<void>;
}

/**
 * Forks `script` (loaded through tsx) trusting the emulator through `caFile`, with nothing of
 * this process's environment but PATH: the worker is configured by its messages alone.
 */
export function forkWorker<Reply>(script: URL, caFile: string): WorkerProcess<Reply> {
  const child = fork(script, {
    execArgv: ["--import", "tsx"],
    env: { PATH: process.env["PATH"] ?? "", NODE_EXTRA_CA_CERTS: caFile },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    ask: (message) => {
      const reply = new Promise<Reply>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the bench worker ${script.pathname} exited with ${code}`));
        child.once("exit", onExit);
        child.once("message", (answer: Reply) => {
          child.off("exit", onExit);
          resolve(answer);
        });
      });
      child.send(message as object);
      return reply;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
