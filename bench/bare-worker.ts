import { performance } from "node:perf_hooks";
import { createBareTrigger, type BareTriggerOptions } from "./bare-trigger.js";

// The bare SDK script as a process of its own, driven over IPC by bare-process.ts. It times each
// trigger itself, so the IPC round trip is not counted: only its own hops to the emulator are.
type Message = { options: BareTriggerOptions } | { runId: string; env: Record<string, string> };

let trigger: ReturnType<typeof createBareTrigger> | undefined;

process.on("message", (message: Message) => {
  if ("options" in message) {
    trigger = createBareTrigger(message.options);
    process.send!({ ready: true });
    return;
  }
  const started = performance.now();
  trigger!(message.runId, message.env).then(
    () => process.send!({ ms: performance.now() - started }),
    (error: unknown) => process.send!({ error: String(error) }),
  );
});
