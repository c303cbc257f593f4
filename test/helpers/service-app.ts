import { createApp, type AppDeps } from "../../service/app.js";
import { createLogger } from "../../service/logger.js";
import { FakeGroup } from "./fake-group.js";

export const apiKeys = ["first-key-0123456789abcdef", "second-key-fedcba9876543210"];
export const dbPassword = "s3cr3t-db-value";

export type TestConfig = AppDeps["config"];

export function testConfig(overrides: Partial<TestConfig> = {}): TestConfig {
  return {
    auth: { kind: "keys", keys: apiKeys },
    secrets: { env: { job: { DB_PASSWORD: dbPassword } } },
    limits: { maxEnvCount: 20, maxEnvBytes: 4096, maxBodyBytes: 16 * 1024 },
    ...overrides,
  };
}

/**
 * A fresh app around a fresh fake group, with run ids `run-1`, `run-2`, … and log lines
 * captured (parsed) in `lines`.
 */
export function buildApp(options: { config?: Partial<TestConfig>; fake?: FakeGroup; deps?: Partial<AppDeps> } = {}) {
  const fake = options.fake ?? new FakeGroup();
  const raw: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => raw.push(line) });
  let counter = 0;
  const config = testConfig(options.config);
  const app = createApp({
    group: fake,
    config,
    logger,
    newRunId: () => `run-${++counter}`,
    now: () => new Date("2024-02-01T00:00:00.000Z"),
    ...options.deps,
  });
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, fake, raw, lines, config };
}

export const auth = { Authorization: `Bearer ${apiKeys[0]}` };
export const jsonHeaders = { ...auth, "Content-Type": "application/json" };

/** POST /runs with `body` (JSON-encoded unless a string) and optional extra headers. */
export function postRun(app: ReturnType<typeof buildApp>["app"], body: unknown, headers: Record<string, string> = {}) {
  return app.request("/runs", {
    method: "POST",
    headers: { ...jsonHeaders, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The parsed JSON body of a response, loosely typed for assertions. */
export const bodyOf = (res: Response): Promise<Record<string, any>> => res.json() as Promise<Record<string, any>>;
