import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BareTriggerOptions } from "./bare-trigger.js";

export interface BareProcess {
  /** Runs one bare trigger in the worker; resolves with the milliseconds the worker measured. */
  trigger(runId: string, env: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

type Reply = { ready: true } | { ms: number } | { error: string };

/**
 * The bare SDK script in a separate node process (loaded through tsx), trusting the emulator
 * through `caFile`. Set beside the in-process bare script, it shows what crossing a process
 * boundary to the emulator costs on this machine, which the service always pays and the
 * in-process script never does.
 */
export async function startBareProcess(options: BareTriggerOptions, caFile: string): Promise<BareProcess> {
  const child = fork(fileURLToPath(new URL("./bare-worker.ts", import.meta.url)), {
    execArgv: ["--import", "tsx"],
    env: { PATH: process.env["PATH"] ?? "", NODE_EXTRA_CA_CERTS: caFile },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the bare worker exited with ${code}`));
      child.once("exit", onExit);
      child.once("message", (reply: Reply) => {
        child.off("exit", onExit);
        resolve(reply);
      });
    });
  const ready = next();
  child.send({ options });
  await ready;
  return {
    trigger: async (runId, env) => {
      const reply = next();
      child.send({ runId, env });
      const answer = await reply;
      if ("error" in answer) throw new Error(`bare worker: ${answer.error}`);
      if (!("ms" in answer)) throw new Error("bare worker: unexpected reply");
      return answer.ms;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
