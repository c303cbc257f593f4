import { noTelemetry, type Telemetry } from "../../service/telemetry/telemetry.js";
import { randomUUID } from "node:crypto";
import { createApp, type AppDeps } from "../../service/http/app.js";
import type { Config } from "../../service/config.js";
import { createLogger } from "../../service/logger.js";
import type { DispatchDeps } from "../../service/runs/dispatch.js";
import { createGroupReads } from "../../service/runs/group-reads.js";
import { createReadiness, type Readiness } from "../../service/runs/readiness.js";
import { createReconciler, type ReconcileDeps, type ReconcileResult, type Reconciler } from "../../service/runs/reconcile.js";
import { createRunService, type RunService } from "../../service/runs/run-service.js";
import type { WebhookTarget } from "../../service/runs/apply-transition.js";
import { createRunDeliveries } from "../../service/runs/run-deliveries.js";
import type { RunStore } from "../../service/store/run-store.js";
import type { LogArchive } from "../../service/store/log-archive.js";
import { createLogCopier } from "../../service/runs/log-copier.js";
import type { Emulator } from "../../emulator/index.js";
import { testArmPort, testRetryOptions } from "./arm-port.js";
import { poolId, profileId } from "./standby.js";
import { standbyDispatchOf } from "../../service/server.js";
import { aciStandbyApiVersion } from "../../service/core/aci-api-version.js";
import type { RunDefaults } from "../../service/core/run-defaults.js";
import { jobGroup, testResourceGroup, testSubscriptionId } from "./emulator.js";
import { testStore } from "./store.js";

export const apiKeys = ["first-key-0123456789abcdef", "second-key-fedcba9876543210"];
export const dbPassword = "s3cr3t-db-value";

export type TestConfig = Pick<Config, "auth" | "secrets" | "limits"> & Partial<Pick<Config, "rateLimits">>;

export function testConfig(overrides: Partial<TestConfig> = {}): TestConfig {
  return {
    auth: { kind: "required", keys: apiKeys.map((value, index) => ({ label: `key-${index + 1}`, value })) },
    secrets: { env: { job: { DB_PASSWORD: dbPassword } } },
    limits: { maxEnvCount: 20, maxEnvBytes: 4096, maxBodyBytes: 16 * 1024 },
    ...overrides,
  };
}

let groupCounter = 0;

/**
 * Seeds `count` finished run-once job groups (plain MODE=batch, secure DB_PASSWORD) in the
 * emulator under names no other test of the file uses, and answers their names.
 */
export function seedGroups(emulator: Emulator, count = 1, body: Record<string, unknown> = defaultJob()): string[] {
  return Array.from({ length: count }, () => {
    const name = `job-${process.pid}-${++groupCounter}`;
    emulator.putGroup(testSubscriptionId, testResourceGroup, name, structuredClone(body), { terminated: true });
    return name;
  });
}

export function defaultJob(): Record<string, unknown> {
  return jobGroup([
    { name: "MODE", value: "batch" },
    { name: "DB_PASSWORD", secureValue: dbPassword },
  ]);
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  runs: RunService;
  store: RunStore;
  groups: string[];
  /** One pass of the reconcile loop and its PUTs; tests run it themselves, so nothing happens behind their back. */
  reconcile: () => Promise<ReconcileResult>;
  /** The loop's passes as the service runs them: a pass ends before its PUTs do. */
  reconciler: Reconciler;
  readiness: () => Promise<Readiness>;
  /** What the run service and the loop share, for tests that drive one step of the loop alone. */
  dispatch: DispatchDeps;
  raw: string[];
  lines: () => Array<Record<string, unknown>>;
}

export interface BuildOptions {
  /** The pool; default one freshly seeded group. */
  groups?: string[];
  config?: Partial<TestConfig>;
  maxQueued?: number;
  container?: string;
  /** Share a store partition with another app, as a second replica would. */
  store?: RunStore;
  /** default 60 s: a claimed run never times out within a test unless the test says so */
  startDeadlineMs?: number;
  /** Status reads answer from the store while a pass observes the group; default false (always ARM). */
  statusFromWatch?: boolean;
  /** How long a pass's observation of a group keeps other replicas off it; default 60 s. */
  observeLeaseMs?: number;
  /** The run service's clock (claims, ends); default the real one. */
  now?: () => Date;
  /** Spans and metrics of the run service and the loop; none by default. */
  telemetry?: Telemetry;
  /** No try of an ARM call starts later than this after the call began; default 10 s. */
  armDeadlineMs?: number;
  /** The app's own seams: an Entra ID verifier, the rate limits' clock, anonymous callers. */
  app?: Pick<AppDeps, "entra" | "now" | "allowAnonymous">;
  /** Replaces what the routes call, to make the HTTP layer meet a failure no real part produces. */
  wrapRuns?: (runs: RunService) => RunService;
  /** Where runs' events go; default none. */
  webhook?: WebhookTarget;
  /** The webhook drain each pass starts; default none. */
  outbox?: ReconcileDeps["outbox"];
  /** The retries' backoff and a run's limits; default none: a retry is due at once. */
  runDefaults?: RunDefaults;
  /** Standby mode: each run's attempt claims a group of its own from this profile and pool, within `slots` groups at once. */
  standby?: { slots: number; profile: string; pool: string };
  /** Archive runs' logs here (copies every pass by default); default none: logs are read from ARM. */
  logArchive?: { archive: LogArchive; copyIntervalMs?: number; finalCopyTimeoutMs?: number; maxBytes?: number };
}

/**
 * The app as the server builds it — the real run service on the real table store (the shared
 * Azurite, a partition of its own) and the real ARM port on `emulator` — with its log lines
 * captured. No reconcile loop runs; `reconcile()` runs one pass.
 */
export async function buildApp(emulator: Emulator, options: BuildOptions = {}): Promise<TestApp> {
  const retry = testRetryOptions(options.armDeadlineMs === undefined ? {} : { deadlineMs: options.armDeadlineMs });
  const standby = options.standby && standbyDispatchOf(standbyConfig(options.standby), testArmPort(emulator, retry).options);
  const groups = standby?.slots ?? options.groups ?? seedGroups(emulator);
  const store = options.store ?? (await testStore(undefined, groups));
  if (options.store) await store.prepare(groups);
  const raw: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => raw.push(line) });
  const config = testConfig(options.config);
  const { arm } = testArmPort(emulator, retry, standby ? aciStandbyApiVersion : undefined);
  const dispatch: DispatchDeps = {
    store,
    arm,
    groups,
    ...(standby ? { standby: standby.dispatch } : {}),
    ...(options.runDefaults ? { runDefaults: options.runDefaults } : {}),
    secrets: config.secrets,
    ...(options.container ? { container: options.container } : {}),
    reads: createGroupReads(arm),
    retry,
    startDeadlineMs: options.startDeadlineMs ?? 60_000,
    now: options.now ?? (() => new Date()),
    telemetry: options.telemetry ?? noTelemetry,
    logger,
    ...(options.webhook ? { webhook: options.webhook } : {}),
  };
  const archiving = options.logArchive && { copyIntervalMs: 0, finalCopyTimeoutMs: 10_000, maxBytes: 1024 ** 2, ...options.logArchive };
  const logCopier = archiving && createLogCopier({ ...dispatch, ...archiving });
  if (logCopier) dispatch.finalLogCopy = logCopier;
  const runs = createRunService({ ...dispatch, maxQueued: options.maxQueued ?? 100, statusFromWatch: options.statusFromWatch ?? false, ...(archiving ? { logArchive: archiving } : {}) });
  const reconciler = createReconciler({
    ...dispatch,
    runs,
    replica: randomUUID(),
    observeLeaseMs: options.observeLeaseMs ?? 60_000,
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(logCopier ? { logCopier } : {}),
  });
  // A test's pass ends with its PUTs settled, so what it checks next is what the pass did.
  const reconcile = async () => {
    const result = await reconciler.pass();
    await reconciler.sending();
    return result;
  };
  const readiness = createReadiness({ store, arm, groups, config, cacheMs: 0, armWaitMs: 60_000 });
  const deliveries = createRunDeliveries({ store, now: dispatch.now });
  const app = createApp({ runs: options.wrapRuns ? options.wrapRuns(runs) : runs, deliveries, config, logger, readiness, ...options.app });
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, runs, store, groups, reconcile, reconciler, readiness, dispatch, raw, lines };
}

/** The standby settings of a deployment on the emulator's `profile` (revision 1) and `pool`. */
function standbyConfig(options: NonNullable<BuildOptions["standby"]>) {
  return { location: "westeurope", profile: { id: profileId(options.profile), revision: 1 }, pool: poolId(options.pool), maxActiveGroups: options.slots };
}

export const auth = { Authorization: `Bearer ${apiKeys[0]}` };
export const jsonHeaders = { ...auth, "Content-Type": "application/json" };

/** POST /runs with `body` (JSON-encoded unless a string) and optional extra headers. */
export function postRun(app: TestApp["app"], body: unknown, headers: Record<string, string> = {}) {
  return app.request("/runs", {
    method: "POST",
    headers: { ...jsonHeaders, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** GET with the key. */
export function getWithKey(app: TestApp["app"], path: string) {
  return app.request(path, { headers: auth });
}

/** The parsed JSON body of a response, loosely typed for assertions. */
export const bodyOf = (res: Response): Promise<Record<string, any>> => res.json() as Promise<Record<string, any>>;
