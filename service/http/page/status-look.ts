import type { RunStatus } from "../../core/run.js";

/**
 * How the page shows a status: a word and an icon beside the colour (never colour alone). The
 * script receives this table from the server, so the list looks the same with and without it.
 */
export const statusLook: Record<RunStatus, { icon: string; word: string }> = {
  queued: { icon: "◷", word: "queued" },
  starting: { icon: "◌", word: "starting" },
  running: { icon: "▶", word: "running" },
  retrying: { icon: "↻", word: "retrying" },
  succeeded: { icon: "✓", word: "succeeded" },
  failed: { icon: "✗", word: "failed" },
  canceled: { icon: "⊘", word: "canceled" },
  lost: { icon: "?", word: "lost" },
  timed_out: { icon: "⌛", word: "timed out" },
};
