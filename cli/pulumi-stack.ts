import { execFile } from "node:child_process";
import { UsageError } from "./cli-error.js";

/**
 * The `url` and `apiKey` outputs of a Pulumi stack of the current project, read with
 * `pulumi stack output --json --show-secrets`. Pulumi's stdout holds the key: it is parsed and
 * never printed; only the first line of its stderr is passed on when it fails.
 */
export function pulumiStackOutputs(stack: string): Promise<{ url?: string; apiKey?: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      ["stack", "output", "--json", "--show-secrets", "--stack", stack],
      { maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
          reject(new UsageError("--stack needs the Pulumi CLI, and `pulumi` is not on PATH."));
          return;
        }
        if (error) {
          const reason = String(stderr).trim().split("\n")[0] || `exit code ${String(error.code)}`;
          reject(new UsageError(`pulumi stack output --stack ${stack} failed: ${reason}`));
          return;
        }
        let outputs: unknown;
        try {
          outputs = JSON.parse(String(stdout));
        } catch {
          reject(new UsageError(`pulumi stack output --stack ${stack} printed no JSON.`));
          return;
        }
        const field = (name: string) => {
          const value = typeof outputs === "object" && outputs !== null ? (outputs as Record<string, unknown>)[name] : undefined;
          return typeof value === "string" && value !== "" ? value : undefined;
        };
        const url = field("url");
        const apiKey = field("apiKey");
        resolve({ ...(url ? { url } : {}), ...(apiKey ? { apiKey } : {}) });
      },
    );
  });
}
