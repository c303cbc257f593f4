import { ConfigError } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";

// The production entry (and the bundle's): the configuration is the process environment only.
try {
  await startServer(process.env);
} catch (error) {
  // Only a ConfigError's message is known to be free of secrets; anything else is named by its
  // code, never logged as an error (its message may quote the environment).
  const message = error instanceof ConfigError ? error.message : "the service failed to start";
  const code = (error as { code?: unknown }).code;
  createLogger({ level: "error", output: "stderr" }).error(message, typeof code === "string" ? { code } : {});
  process.exit(1);
}
