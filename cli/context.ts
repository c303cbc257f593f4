import type { RunsApi } from "./api-client.js";
import type { Io } from "./terminal.js";

/** What every command is given: its outputs, the service, and the clock and pace of polling. */
export interface CommandContext {
  io: Io;
  /** The service, connected on first use (so `--help` and usage errors need no connection). */
  api(): Promise<RunsApi>;
  json: boolean;
  pollMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Runs `handler` on Ctrl-C (then the process exits 130) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
}
