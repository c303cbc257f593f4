import type { BareTriggerOptions } from "./bare-trigger.js";
import { forkWorker } from "./worker-process.js";

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
  const worker = forkWorker<Reply>(new URL("./bare-worker.ts", import.meta.url), caFile);
  await worker.ask({ options });
  return {
    trigger: async (runId, env) => {
      const answer = await worker.ask({ runId, env });
      if ("error" in answer) throw new Error(`bare worker: ${answer.error}`);
      if (!("ms" in answer)) throw new Error("bare worker: unexpected reply");
      return answer.ms;
    },
    stop: () => worker.stop(),
  };
}
