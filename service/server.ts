import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createAciPort, createArmClient } from "./aci.js";
import { createApp } from "./app.js";
import { parseConfig } from "./config.js";
import { createLogger } from "./logger.js";

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where the ARM calls go, said in the first log line: Azure itself or the embedded emulator. */
  mode?: "azure" | "local-emulator";
  hostname?: string;
}

// In-flight requests get this long to finish after SIGTERM; Container Apps waits 30 s by default.
const shutdownGraceMs = 20_000;

/**
 * Reads the configuration once, builds the one credential and ARM client of the process, and
 * listens. A wrong or missing variable throws `ConfigError` before anything starts.
 */
export async function startServer(env: Record<string, string | undefined>, options: StartOptions = {}): Promise<RunningServer> {
  const config = parseConfig(env);
  const logger = createLogger({ level: config.logLevel });
  logger.info("starting", {
    mode: options.mode ?? "azure",
    armEndpoint: config.armEndpoint,
    resourceGroup: config.resourceGroup,
    containerGroup: config.containerGroup,
    identity: config.clientId ? "user-assigned" : "default-chain",
  });

  // A user-assigned identity is named explicitly so that production never falls through the
  // developer credentials of DefaultAzureCredential's chain.
  const credential = config.clientId
    ? new ManagedIdentityCredential({ clientId: config.clientId })
    : new DefaultAzureCredential();
  const client = createArmClient({
    credential,
    subscriptionId: config.subscriptionId,
    endpoint: config.armEndpoint,
  });
  const group = createAciPort({
    client,
    endpoint: config.armEndpoint,
    subscriptionId: config.subscriptionId,
    resourceGroup: config.resourceGroup,
    containerGroup: config.containerGroup,
    callBudgetMs: config.armRetryTimeoutMs,
  });
  const app = createApp({ group, config, logger });

  const server = serve({ fetch: app.fetch, port: config.port, ...(options.hostname ? { hostname: options.hostname } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info("listening", { port });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      logger.info("shutting down");
      // A kept-alive connection whose request finishes during shutdown becomes idle only then:
      // sweeping idle connections lets the process exit as soon as the last answer is sent.
      const sweep = setInterval(() => "closeIdleConnections" in server && server.closeIdleConnections(), 100);
      const force = setTimeout(() => "closeAllConnections" in server && server.closeAllConnections(), shutdownGraceMs);
      force.unref();
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(force);
        logger.info("stopped");
        resolve();
      });
    }));

  // `on`, not `once`: a second signal must wait for the same graceful close, not kill the process.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => void close().then(() => process.exit(0)));
  }
  return { port, close };
}
