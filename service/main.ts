import { ConfigError } from "./config.js";
import { startServer } from "./server.js";

// The production entry (and the bundle's): the configuration is the process environment only.
try {
  await startServer(process.env);
} catch (error) {
  // Only a ConfigError's message is known to be free of secrets; anything else is named by its code.
  const message = error instanceof ConfigError ? error.message : "the service failed to start";
  const code = (error as { code?: unknown }).code;
  const line = { time: new Date().toISOString(), level: "error", msg: message, ...(typeof code === "string" ? { code } : {}) };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  process.exit(1);
}
