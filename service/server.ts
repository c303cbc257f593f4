import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { serve } from "@hono/node-server";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createApp } from "./http/app.js";
import { answerClientError } from "./http/client-error.js";
import { createArmPort } from "./arm/arm-port.js";
import { armRetryOptions, startDeadlineMs } from "./arm/arm-retry.js";
import { configNames } from "./config-names.js";
import { parseConfig, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import type { WebhookTarget } from "./runs/apply-transition.js";
import type { DispatchDeps } from "./runs/dispatch.js";
import { createDispatchPause } from "./runs/dispatch-pause.js";
import { createGroupReads } from "./runs/group-reads.js";
import { createReadiness } from "./runs/readiness.js";
import { queueState } from "./runs/queue-state.js";
import { createReconciler } from "./runs/reconcile.js";
import { startReconcileLoop } from "./runs/reconcile-loop.js";
import { createRunDeliveries } from "./runs/run-deliveries.js";
import { createRunService } from "./runs/run-service.js";
import { createStandbyDispatch, standbySlots } from "./runs/standby-dispatch.js";
import { createStandbyPort, type StandbyPortOptions } from "./arm/standby-port.js";
import { aciStandbyApiVersion } from "./core/aci-api-version.js";
import type { StandbyConfig } from "./config.js";
import { createLogCopier } from "./runs/log-copier.js";
import { pruneLogs } from "./runs/prune-logs.js";
import { createOutboxDrain, webhookBackoff } from "./webhooks/deliver-outbox.js";
import { connectStorage } from "./store/storage-clients.js";
import { startTelemetry } from "./telemetry/start-telemetry.js";

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where the ARM calls go, said in the first log line: Azure itself or the embedded emulator. */
  mode?: "azure" | "local-emulator";
  /** Said in the first log line when the store is a local emulator. */
  storage?: "azurite";
  /** Let callers without credentials in, still checking presented ones (`npm start`'s demo); listens on loopback. */
  allowAnonymous?: boolean;
}

const loopback = "127.0.0.1";

/**
 * Where to listen: the configured address; else, when anyone may call, loopback only, so that
 * an unauthenticated service is never exposed by accident; else every interface.
 */
export function listenAddress(config: Pick<Config, "auth" | "listenAddress">, options: Pick<StartOptions, "allowAnonymous">): { address?: string; reason: string } {
  if (config.listenAddress) return { address: config.listenAddress, reason: `${configNames.listenAddress} is set` };
  if (config.auth.kind === "none" || options.allowAnonymous) {
    return { address: loopback, reason: `callers are not authenticated and ${configNames.listenAddress} is not set` };
  }
  return { reason: "callers are authenticated" };
}

function webhookTarget({ url, events, allowedOrigins }: Config["webhook"]): WebhookTarget {
  return { ...(url !== undefined ? { url } : {}), ...(events ? { events } : {}), allowedOrigins };
}

const isLoopback = (address: string) => address === "::1" || address.startsWith("127.") || address === "::ffff:127.0.0.1";

// In-flight requests get this long to finish after SIGTERM; Container Apps waits 30 s by default.
const shutdownGraceMs = 20_000;
// Prune the store of runs past retention this often; every replica does, and deletes are idempotent.
const pruneEveryMs = 60 * 60 * 1000;

/** The standby dispatch of `config`: its port on the process's pipeline settings, and its slots. */
export function standbyDispatchOf(config: Omit<StandbyConfig, "mode">, armOptions: Omit<StandbyPortOptions, "profile" | "pool">) {
  const port = createStandbyPort({ ...armOptions, profile: config.profile, pool: config.pool });
  return { dispatch: createStandbyDispatch(port, { location: config.location, profile: config.profile, pool: config.pool }), slots: standbySlots(config.maxActiveGroups) };
}

/**
 * Reads the configuration once, builds the one credential and ARM client of the process, and
 * listens. A wrong or missing variable throws `ConfigError` before anything starts.
 */
export async function startServer(env: Record<string, string | undefined>, options: StartOptions = {}): Promise<RunningServer> {
  const config = parseConfig(env);
  const telemetry = await startTelemetry(config.telemetry);
  const logger = createLogger({ level: config.logLevel, ...(telemetry.exportLog ? { exportLine: telemetry.exportLog } : {}) });
  logger.info("starting", {
    mode: options.mode ?? "azure",
    armEndpoint: config.armEndpoint,
    resourceGroup: config.resourceGroup,
    containerGroups: config.containerGroups,
    storage: options.storage ?? (config.storage.kind === "account" ? config.storage.account : "connection-string"),
    identity: config.clientId ? "user-assigned" : "default-chain",
  });

  // A user-assigned identity is named explicitly so that production never falls through the
  // developer credentials of DefaultAzureCredential's chain.
  const credential = config.clientId
    ? new ManagedIdentityCredential({ clientId: config.clientId })
    : new DefaultAzureCredential();
  const retry = armRetryOptions({ retryTimeoutMs: config.armRetryTimeoutMs, requestTimeoutMs: config.armRequestTimeoutMs });
  const armOptions = {
    credential,
    subscriptionId: config.subscriptionId,
    endpoint: config.armEndpoint,
    resourceGroup: config.resourceGroup,
    retry,
    ...(telemetry.enabled ? { onTry: telemetry.armCall } : {}),
  };
  const standby = config.dispatch.mode === "standby" ? standbyDispatchOf(config.dispatch, armOptions) : undefined;
  // A standby run's group is read and claimed at the api-version that knows profiles and config maps.
  const arm = createArmPort({ ...armOptions, ...(standby ? { groupApiVersion: aciStandbyApiVersion } : {}) });
  const groups = standby ? standby.slots : config.containerGroups;
  const { store, setAwake, archive } = connectStorage(config, credential);
  await store.prepare(groups);
  await archive.prepare();
  const now = () => new Date();
  telemetry.observeQueue(() => queueState(store, now));
  let loop: ReturnType<typeof startReconcileLoop> | undefined;
  const dispatch: DispatchDeps = {
    store,
    arm,
    groups,
    ...(standby ? { standby: standby.dispatch } : {}),
    secrets: config.secrets,
    ...(config.container ? { container: config.container } : {}),
    ...(config.containerImage ? { containerImage: config.containerImage } : {}),
    ...(config.containerBase ? { containerBase: config.containerBase } : {}),
    reads: createGroupReads(arm),
    pause: createDispatchPause(),
    retry,
    startDeadlineMs: startDeadlineMs(retry),
    now,
    logger,
    telemetry,
    runDefaults: config.runDefaults,
    // The listed origins include TRIGGER_WEBHOOK_URL's: none listed, no webhooks at all.
    ...(config.webhook.allowedOrigins.size > 0 ? { webhook: webhookTarget(config.webhook) } : {}),
  };
  const logCopier = createLogCopier({ ...dispatch, archive, ...config.logArchive });
  dispatch.finalLogCopy = logCopier;
  const logArchive = { archive, ...config.logArchive };
  // Status reads are served from the observing replica's records: polling callers cost no ARM reads.
  const runs = createRunService({ ...dispatch, maxQueued: config.maxQueued, statusFromWatch: true, logArchive, onWork: () => loop?.kick() });
  const reconciler = createReconciler({
    ...dispatch,
    runs,
    logCopier,
    replica: randomUUID(),
    // Three intervals: a replica that stops observing hands its groups over within that.
    observeLeaseMs: 3 * config.reconcileIntervalMs,
    outbox: createOutboxDrain({
      store,
      logger,
      telemetry,
      now,
      secrets: config.webhook.secrets,
      timeoutMs: config.webhook.timeoutMs,
      listedOrigins: config.webhook.allowedOrigins,
      retryHours: config.webhook.retryHours,
      backoff: webhookBackoff(config.webhook.backoffSeconds),
      concurrency: 16,
    }),
    setAwake: (awake) => setAwake(awake).catch((error: unknown) => logger.warn("wake queue update failed", { err: error })),
  });
  let prunedAt = 0;
  loop = startReconcileLoop(
    async () => {
      await reconciler.pass();
      if (Date.now() - prunedAt >= pruneEveryMs) {
        prunedAt = Date.now();
        const pruned = await store.pruneRuns(new Date(Date.now() - config.runRetentionDays * 86_400_000));
        if (pruned > 0) logger.info("pruned runs past retention", { count: pruned });
        const logs = await pruneLogs(store, archive, new Date(Date.now() - config.runRetentionDays * 86_400_000));
        if (logs > 0) logger.info("pruned archived logs of pruned runs", { count: logs });
      }
    },
    { intervalMs: config.reconcileIntervalMs, logger },
  );
  // A standby deployment has no fixed group to probe (its groups come and go with the runs): its profile and pool are.
  const readiness = createReadiness({ store, arm, groups: config.containerGroups, config, ...(standby ? { standby: standby.dispatch.port } : {}) });
  const deliveries = createRunDeliveries({ store, now });
  const app = createApp({ runs, deliveries, config, logger, readiness, telemetry, ...(options.allowAnonymous ? { allowAnonymous: true } : {}) });

  const listen = listenAddress(config, options);
  const server = serve({ fetch: app.fetch, port: config.port, ...(listen.address ? { hostname: listen.address } : {}) });
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port, address } = server.address() as AddressInfo;
  const exposure = isLoopback(address) ? "loopback-only" : "network";
  logger.info("listening", { port, address, exposure, reason: listen.reason });
  if (exposure !== "loopback-only" && (config.auth.kind === "none" || options.allowAnonymous)) {
    logger.warn("unauthenticated and reachable from other hosts", { address });
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info("shutting down");
      // A kept-alive connection whose request finishes during shutdown becomes idle only then:
      // sweeping idle connections lets the process exit as soon as the last answer is sent.
      const sweep = setInterval(() => "closeIdleConnections" in server && server.closeIdleConnections(), 100);
      let force: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        force = setTimeout(() => {
          logger.warn("grace period over", { graceMs: shutdownGraceMs });
          if ("closeAllConnections" in server) server.closeAllConnections();
          resolve();
        }, shutdownGraceMs);
        force.unref();
      });
      // The loop's pass in progress and the PUTs in flight finish within the same grace period.
      const loopStopped = (loop?.stop() ?? Promise.resolve()).then(() => reconciler.sending());
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.race([Promise.all([loopStopped, serverClosed]), graceOver]);
      clearInterval(sweep);
      clearTimeout(force);
      logger.info("stopped");
      // The last spans, metrics and log lines are sent before the process may exit.
      await telemetry.shutdown().catch(() => undefined);
    })());

  // `on`, not `once`: a second signal must wait for the same graceful close, not kill the process.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => void close().then(() => process.exit(0)));
  }
  return { port, close };
}
