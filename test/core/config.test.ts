import { describe, expect, it } from "vitest";
import { ConfigError, configProblemsOf, configSchema, parseConfig } from "../../service/config.js";
import { configNames } from "../../service/config-names.js";

const subscription = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
const apiKey = "k3y-that-is-long-enough";
const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

const minimal = {
  [configNames.subscriptionId]: subscription,
  [configNames.resourceGroup]: "rg",
  [configNames.containerGroup]: "job",
  [configNames.apiKeys]: apiKey,
  [configNames.storageAccount]: "triggerruns",
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("parseConfig accepted the environment");
}

const webhookSecret = `whsec_${Buffer.alloc(24, 1).toString("base64")}`;
const webhookSecret2 = `whsec_${Buffer.alloc(32, 2).toString("base64")}`;

describe("parseConfig", () => {
  it("fills every default", () => {
    expect(parseConfig(minimal)).toStrictEqual({
      port: 8080,
      subscriptionId: subscription,
      resourceGroup: "rg",
      containerGroups: ["job"],
      armEndpoint: "https://management.azure.com",
      auth: { kind: "required", keys: [{ label: "key-1", value: apiKey }] },
      secrets: {},
      limits: { maxEnvCount: 100, maxEnvBytes: 65_536, maxBodyBytes: 131_072, maxTimeoutSeconds: 604_800 },
      rateLimits: { maxStartsPerMinute: 60, maxFailedAuthPerMinute: 20, trustedProxyHops: 0 },
      armRetryTimeoutMs: 30_000,
      armRequestTimeoutMs: 10_000,
      storage: { kind: "account", account: "triggerruns" },
      storagePartition: "rg",
      maxQueued: 100,
      runRetentionDays: 90,
      reconcileIntervalMs: 5_000,
      logLevel: "info",
      telemetry: { otlp: false, otlpProtocol: "http/protobuf", metricsRoute: false },
      runDefaults: { maxRetries: 0, startTimeoutSeconds: 1_800, retryBackoffSeconds: 10 },
      webhook: { secrets: [], retryHours: 24, timeoutMs: 10_000, backoffSeconds: 5, allowedOrigins: new Set() },
      dispatch: { mode: "pool" },
      logArchive: { maxBytes: 100 * 1024 ** 2, copyIntervalMs: 5_000, finalCopyTimeoutMs: 10_000 },
    });
  });

  it("reads every variable", () => {
    const config = parseConfig({
      ...minimal,
      [configNames.port]: "3000",
      [configNames.container]: "worker",
      [configNames.containerImage]: "registry.example:5000/jobs/report:1.4",
      [configNames.containerBase]: JSON.stringify({ env: { MODE: "nightly", LEVEL: "info" }, command: ["python", "job.py"] }),
      [configNames.clientId]: "client",
      [configNames.armEndpoint]: "https://localhost:8443/",
      [configNames.apiKeys]: ` ${apiKey} , second-key-long-enough `,
      [configNames.secrets]: JSON.stringify({ env: { worker: { TOKEN: "t" } } }),
      [configNames.allowedEnvNames]: "MODE, LEVEL",
      [configNames.maxEnvCount]: "5",
      [configNames.maxEnvBytes]: "1000",
      [configNames.maxBodyBytes]: "2000",
      [configNames.armRetryTimeoutMs]: "1000",
      [configNames.armRequestTimeoutMs]: "1",
      [configNames.storagePartition]: "Team Jobs",
      [configNames.maxQueued]: "0",
      [configNames.runRetentionDays]: "7",
      [configNames.reconcileIntervalMs]: "250",
      [configNames.logLevel]: "debug",
      [configNames.allowCommand]: "true",
      [configNames.listenAddress]: "::",
      [configNames.maxStartsPerMinute]: "5",
      [configNames.maxFailedAuthPerMinute]: "3",
      [configNames.trustedProxyHops]: "1",
      [configNames.entraTenantId]: tenant,
      [configNames.entraAudience]: "api://trigger, 5b0f0f5e-0000-4000-8000-0000000000a1",
      [configNames.entraRequiredRole]: "Runs.Trigger",
      [configNames.entraAllowedClients]: "5B0F0F5E-0000-4000-8000-0000000000C1",
      [configNames.entraAuthority]: "https://login.microsoftonline.us/",
      [configNames.entraAcceptV1Tokens]: "true",
      [configNames.appInsightsConnectionString]: "InstrumentationKey=ik;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
      [configNames.otlpEndpoint]: "http://collector:4318",
      [configNames.otlpProtocol]: "grpc",
      [configNames.otelSdkDisabled]: "false",
      [configNames.metricsRoute]: "true",
      [configNames.defaultTimeoutSeconds]: "600",
      [configNames.maxTimeoutSeconds]: "3600",
      [configNames.startTimeoutSeconds]: "300",
      [configNames.defaultMaxRetries]: "2",
      [configNames.retryBackoffSeconds]: "0.5",
      [configNames.webhookUrl]: "https://hooks.example/trigger?team=jobs",
      [configNames.webhookSecret]: `${webhookSecret}, ${webhookSecret2}`,
      [configNames.webhookEvents]: "run.succeeded,run.failed",
      [configNames.webhookRetryHours]: "0.5",
      [configNames.logArchiveMaxBytes]: "1048576",
      [configNames.logCopyIntervalMs]: "250",
      [configNames.logFinalCopyTimeoutMs]: "3000",
      [configNames.webhookTimeoutMs]: "2000",
      [configNames.webhookBackoffSeconds]: "0.25",
      [configNames.webhookAllowedOrigins]: "http://127.0.0.1:9000",
    });
    expect(config).toStrictEqual({
      port: 3000,
      subscriptionId: subscription,
      resourceGroup: "rg",
      containerGroups: ["job"],
      container: "worker",
      containerImage: "registry.example:5000/jobs/report:1.4",
      containerBase: { env: { MODE: "nightly", LEVEL: "info" }, command: ["python", "job.py"] },
      clientId: "client",
      armEndpoint: "https://localhost:8443",
      auth: {
        kind: "required",
        keys: [
          { label: "key-1", value: apiKey },
          { label: "key-2", value: "second-key-long-enough" },
        ],
        entra: {
          tenantId: tenant,
          audiences: ["api://trigger", "5b0f0f5e-0000-4000-8000-0000000000a1"],
          requiredRole: "Runs.Trigger",
          allowedClients: ["5b0f0f5e-0000-4000-8000-0000000000c1"],
          authority: "https://login.microsoftonline.us",
          acceptV1Tokens: true,
        },
      },
      listenAddress: "::",
      secrets: { env: { worker: { TOKEN: "t" } } },
      limits: { maxEnvCount: 5, maxEnvBytes: 1000, maxBodyBytes: 2000, allowedEnvNames: new Set(["MODE", "LEVEL"]), allowCommand: true, maxTimeoutSeconds: 3_600 },
      rateLimits: { maxStartsPerMinute: 5, maxFailedAuthPerMinute: 3, trustedProxyHops: 1 },
      armRetryTimeoutMs: 1_000,
      armRequestTimeoutMs: 1,
      storage: { kind: "account", account: "triggerruns" },
      storagePartition: "Team Jobs",
      maxQueued: 0,
      runRetentionDays: 7,
      reconcileIntervalMs: 250,
      logLevel: "debug",
      telemetry: {
        appInsightsConnectionString: "InstrumentationKey=ik;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
        otlp: true,
        otlpProtocol: "grpc",
        metricsRoute: true,
      },
      runDefaults: { timeoutSeconds: 600, maxRetries: 2, startTimeoutSeconds: 300, retryBackoffSeconds: 0.5 },
      webhook: {
        url: "https://hooks.example/trigger?team=jobs",
        secrets: [webhookSecret, webhookSecret2],
        events: new Set(["run.succeeded", "run.failed"]),
        retryHours: 0.5,
        timeoutMs: 2_000,
        backoffSeconds: 0.25,
        allowedOrigins: new Set(["http://127.0.0.1:9000", "https://hooks.example"]),
      },
      dispatch: { mode: "pool" },
      logArchive: { maxBytes: 1_048_576, copyIntervalMs: 250, finalCopyTimeoutMs: 3_000 },
    });
  });

  it("runs without authentication only when told so explicitly", () => {
    const { [configNames.apiKeys]: _keys, ...withoutKeys } = minimal;
    expect(parseConfig({ ...withoutKeys, [configNames.allowUnauthenticated]: "true" }).auth).toStrictEqual({ kind: "none" });
    expect(errorOf(withoutKeys).variables).toStrictEqual([configNames.apiKeys]);
    expect(errorOf({ ...withoutKeys, [configNames.allowUnauthenticated]: "false" }).variables).toStrictEqual([configNames.apiKeys]);
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ ...minimal, [configNames.port]: "", [configNames.container]: "", [configNames.secrets]: " " }).port).toBe(8080);
    expect(errorOf({ ...minimal, [configNames.resourceGroup]: "" }).variables).toStrictEqual([configNames.resourceGroup]);
  });

  it.each([
    [configNames.port, "80a"],
    [configNames.port, "70000"],
    [configNames.subscriptionId, "not-a-guid"],
    [configNames.armEndpoint, "http://management.azure.com"],
    [configNames.armEndpoint, "https://user:pw@example.com"],
    [configNames.armEndpoint, "not a url"],
    [configNames.apiKeys, "short"],
    [configNames.allowUnauthenticated, "yes"],
    [configNames.allowCommand, "1"],
    [configNames.listenAddress, "localhost"],
    [configNames.maxStartsPerMinute, "0"],
    [configNames.maxFailedAuthPerMinute, "-3"],
    [configNames.trustedProxyHops, "eleven"],
    [configNames.entraAuthority, "http://login.microsoftonline.com"],
    [configNames.entraAcceptV1Tokens, "yes"],
    [configNames.allowedEnvNames, "GOOD,1BAD"],
    [configNames.allowedEnvNames, "TRIGGER_RUN_ID"],
    [configNames.maxEnvCount, "0"],
    [configNames.maxEnvBytes, "-1"],
    [configNames.maxBodyBytes, "1.5"],
    [configNames.armRetryTimeoutMs, "soon"],
    [configNames.armRetryTimeoutMs, "0"],
    [configNames.armRequestTimeoutMs, "0"],
    [configNames.containerGroup, "bad_name"],
    [configNames.containerImage, "jobs/Report:1.4"],
    [configNames.containerImage, "jobs/report 1.4"],
    [configNames.containerBase, "{not json"],
    [configNames.containerBase, JSON.stringify({ env: { "1BAD": "x" } })],
    [configNames.containerBase, JSON.stringify({ env: { TRIGGER_RUN_ID: "x" } })],
    [configNames.containerBase, JSON.stringify({ env: {}, command: [] })],
    [configNames.containerBase, JSON.stringify({ command: ["x"] })],
    [configNames.storageAccount, "Not-An-Account"],
    [configNames.storagePartition, "a/b"],
    [configNames.maxQueued, "10001"],
    [configNames.runRetentionDays, "0"],
    [configNames.reconcileIntervalMs, "5"],
    [configNames.logLevel, "verbose"],
    [configNames.defaultTimeoutSeconds, "0"],
    [configNames.maxTimeoutSeconds, "604801"],
    [configNames.startTimeoutSeconds, "1.5"],
    [configNames.defaultMaxRetries, "11"],
    [configNames.retryBackoffSeconds, "0"],
    [configNames.retryBackoffSeconds, "1e3"],
    [configNames.webhookSecret, "whsec_tooShort"],
    [configNames.webhookSecret, Buffer.alloc(24, 1).toString("base64")],
    [configNames.webhookSecret, `${webhookSecret} ${webhookSecret} ${webhookSecret}`],
    [configNames.webhookEvents, "run.exploded"],
    [configNames.webhookAllowedOrigins, "https://hooks.example/path"],
    [configNames.webhookTimeoutMs, "0"],
    [configNames.secrets, "{not json"],
    [configNames.secrets, "[]"],
  ])("names %s when it is %j", (name, value) => {
    const error = errorOf({ ...minimal, [name]: value });
    expect(error.name).toBe("ConfigError");
    expect(error.variables).toStrictEqual([name]);
    expect(error.message).toContain(name);
  });

  it("refuses a webhook URL without a signing secret, naming the secret", () => {
    const error = errorOf({ ...minimal, [configNames.webhookUrl]: "https://hooks.example/x" });
    expect(error.variables).toStrictEqual([configNames.webhookSecret]);
  });

  it("refuses a default timeout above the ceiling, naming both", () => {
    const error = errorOf({ ...minimal, [configNames.defaultTimeoutSeconds]: "700", [configNames.maxTimeoutSeconds]: "600" });
    expect(error.variables).toStrictEqual([configNames.defaultTimeoutSeconds]);
    expect(error.message).toContain(configNames.maxTimeoutSeconds);
  });

  it("does not quote ACI_SECRETS when it is not JSON", () => {
    const error = errorOf({ ...minimal, [configNames.secrets]: '{"env": super-secret-value' });
    expect(error.message).toBe("Invalid configuration: ACI_SECRETS is not valid JSON");
  });

  it("refuses API keys and unauthenticated access together", () => {
    expect(errorOf({ ...minimal, [configNames.allowUnauthenticated]: "true" }).variables).toStrictEqual([configNames.allowUnauthenticated]);
  });

  it("names every missing variable at once", () => {
    const error = errorOf({});
    expect(error.variables).toStrictEqual([
      configNames.subscriptionId,
      configNames.resourceGroup,
      configNames.containerGroups,
      configNames.apiKeys,
      configNames.storageAccount,
    ]);
    expect(error.message).toBe(
      "Invalid configuration: AZURE_SUBSCRIPTION_ID is required; ACI_RESOURCE_GROUP is required; " +
        "ACI_CONTAINER_GROUPS is required (or ACI_CONTAINER_GROUP for a pool of one); " +
        "TRIGGER_API_KEYS is required (or set TRIGGER_ENTRA_TENANT_ID for Entra ID callers, or TRIGGER_ALLOW_UNAUTHENTICATED=true to run without authentication); " +
        "TRIGGER_STORAGE_ACCOUNT is required (or TRIGGER_STORAGE_CONNECTION_STRING): the service keeps its runs there",
    );
  });

  it("names the JSON path of a bad ACI_SECRETS entry and never its secret values", () => {
    const secrets = {
      env: { app: { TOKEN: "super-secret-token", BAD: 42 } },
      registryPasswords: { "r.example.io": "" },
      secretVolumes: { certs: { "tls.key": "super-secret-not-base64!" } },
      extra: "super-secret-extra",
    };
    const error = errorOf({ ...minimal, [configNames.secrets]: JSON.stringify(secrets) });
    expect(error.variables).toStrictEqual([configNames.secrets]);
    expect(error.message).toContain("ACI_SECRETS at env.app.BAD");
    expect(error.message).toContain("ACI_SECRETS at registryPasswords.r.example.io");
    expect(error.message).toContain("ACI_SECRETS at secretVolumes.certs.tls.key: must be base64");
    expect(error.message).toContain("unknown key(s) extra");
    expect(error.message).not.toContain("super-secret");
    expect(error.message).not.toContain(apiKey);
  });

  it("reads a pool of groups in the order given", () => {
    const { [configNames.containerGroup]: _single, ...withoutGroup } = minimal;
    expect(parseConfig({ ...withoutGroup, [configNames.containerGroups]: " job-0, job-1 ,job-2" }).containerGroups).toStrictEqual(["job-0", "job-1", "job-2"]);
    expect(errorOf({ ...withoutGroup, [configNames.containerGroups]: "job-0,JOB-0" }).variables).toStrictEqual([configNames.containerGroups]);
    expect(errorOf({ ...minimal, [configNames.containerGroups]: "job-0" }).variables).toStrictEqual([configNames.containerGroups]);
  });

  describe("standby dispatch", () => {
    const { [configNames.containerGroup]: _single, ...withoutGroup } = minimal;
    const scope = `/subscriptions/${subscription}/resourceGroups/rg/providers`;
    const standby = {
      ...withoutGroup,
      [configNames.dispatchMode]: "standby",
      [configNames.location]: "westeurope",
      [configNames.containerGroupProfile]: `${scope}/Microsoft.ContainerInstance/containerGroupProfiles/worker`,
      [configNames.containerGroupProfileRevision]: "3",
      [configNames.standbyPool]: `${scope}/Microsoft.StandbyPool/standbyContainerGroupPools/worker-pool`,
    };

    it("reads the profile, its revision, the pool, the region and the quota of groups", () => {
      const config = parseConfig({ ...standby, [configNames.maxActiveGroups]: "7" });
      expect(config.dispatch).toStrictEqual({
        mode: "standby",
        location: "westeurope",
        profile: { id: standby[configNames.containerGroupProfile], revision: 3 },
        pool: standby[configNames.standbyPool],
        maxActiveGroups: 7,
      });
      expect(config.containerGroups).toStrictEqual([]);
      expect(parseConfig(standby).dispatch).toMatchObject({ maxActiveGroups: 100 });
    });

    it("requires the region, the profile, its revision and the pool, naming each missing one", () => {
      const { [configNames.location]: _l, [configNames.containerGroupProfileRevision]: _r, ...partial } = standby;
      expect(errorOf(partial).variables).toStrictEqual([configNames.location, configNames.containerGroupProfileRevision]);
      const { [configNames.containerGroupProfile]: _p, [configNames.standbyPool]: _s, ...other } = standby;
      expect(errorOf(other).variables).toStrictEqual([configNames.containerGroupProfile, configNames.standbyPool]);
    });

    it("refuses fixed groups, which a standby run never uses", () => {
      expect(errorOf({ ...standby, [configNames.containerGroups]: "job-0,job-1" }).message).toContain(`${configNames.containerGroups} must not be set when ${configNames.dispatchMode} is standby`);
      expect(errorOf({ ...standby, [configNames.containerGroup]: "job" }).variables).toStrictEqual([configNames.containerGroup]);
    });

    it("refuses per-run commands, which a claim cannot carry", () => {
      expect(errorOf({ ...standby, [configNames.allowCommand]: "true" }).variables).toStrictEqual([configNames.allowCommand]);
    });

    it("refuses ids of another resource type and a revision below 1", () => {
      const error = errorOf({ ...standby, [configNames.containerGroupProfile]: standby[configNames.standbyPool], [configNames.containerGroupProfileRevision]: "0" });
      expect(error.variables).toStrictEqual([configNames.containerGroupProfile, configNames.containerGroupProfileRevision]);
    });

    it("keeps the pool mode's rules: groups required, standby variables ignored", () => {
      expect(errorOf({ ...standby, [configNames.dispatchMode]: "pool" }).variables).toStrictEqual([configNames.containerGroups]);
      expect(parseConfig({ ...minimal, [configNames.location]: "westeurope" }).dispatch).toStrictEqual({ mode: "pool" });
    });
  });

  it("takes the store from a connection string instead of an account, but not from both", () => {
    const { [configNames.storageAccount]: _account, ...withoutAccount } = minimal;
    const connectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1";
    expect(parseConfig({ ...withoutAccount, [configNames.storageConnectionString]: connectionString }).storage).toStrictEqual({ kind: "connectionString", connectionString });
    const both = errorOf({ ...minimal, [configNames.storageConnectionString]: connectionString });
    expect(both.variables).toStrictEqual([configNames.storageAccount]);
    expect(both.message).not.toContain("a2V5");
    const unreadable = errorOf({ ...withoutAccount, [configNames.storageConnectionString]: "UseDevelopment=maybe" });
    expect(unreadable.variables).toStrictEqual([configNames.storageConnectionString]);
    expect(unreadable.message).not.toContain("maybe");
  });

  it("refuses a base that sets plain what ACI_SECRETS holds as secure for the target, naming the variable only", () => {
    const error = errorOf({
      ...minimal,
      [configNames.container]: "worker",
      [configNames.secrets]: JSON.stringify({ env: { worker: { TOKEN: "secret-token-value" } } }),
      [configNames.containerBase]: JSON.stringify({ env: { TOKEN: "plain-token-value", MODE: "x" } }),
    });
    expect(error.variables).toStrictEqual([configNames.containerBase]);
    expect(error.message).toContain("TOKEN");
    expect(error.message).not.toContain("token-value");
  });

  it("refuses a per-request ARM timeout longer than the whole call's budget", () => {
    const error = errorOf({ ...minimal, [configNames.armRetryTimeoutMs]: "5000", [configNames.armRequestTimeoutMs]: "5001" });
    expect(error.variables).toStrictEqual([configNames.armRequestTimeoutMs]);
    expect(parseConfig({ ...minimal, [configNames.armRetryTimeoutMs]: "5000" }).armRequestTimeoutMs).toBe(5_000);
  });

  it("never puts an API key in its message", () => {
    const error = errorOf({ ...minimal, [configNames.apiKeys]: `${apiKey},tiny-key` });
    expect(error.message).not.toContain("tiny-key");
    expect(error.message).not.toContain(apiKey);
  });

  it("labels keys given as label:key and names the others by position", () => {
    const config = parseConfig({ ...minimal, [configNames.apiKeys]: `logic-app:${apiKey},second-key-long-enough` });
    expect(config.auth).toStrictEqual({
      kind: "required",
      keys: [
        { label: "logic-app", value: apiKey },
        { label: "key-2", value: "second-key-long-enough" },
      ],
    });
  });

  it("keeps base64 keys whole: their padding is not a label separator", () => {
    const key = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    expect(parseConfig({ ...minimal, [configNames.apiKeys]: key }).auth).toStrictEqual({ kind: "required", keys: [{ label: "key-1", value: key }] });
  });

  it("refuses a label used twice", () => {
    expect(errorOf({ ...minimal, [configNames.apiKeys]: `a:${apiKey},a:second-key-long-enough` }).message).toContain("TRIGGER_API_KEYS must not repeat a label");
  });

  it("authenticates Entra ID callers alone, without keys", () => {
    const { [configNames.apiKeys]: _none, ...withoutKeys } = minimal;
    const config = parseConfig({ ...withoutKeys, [configNames.entraTenantId]: tenant, [configNames.entraAudience]: "api://trigger" });
    expect(config.auth).toStrictEqual({
      kind: "required",
      keys: [],
      entra: { tenantId: tenant, audiences: ["api://trigger"], authority: "https://login.microsoftonline.com", acceptV1Tokens: false },
    });
  });

  it("names what Entra ID settings lack: a GUID tenant, an audience, GUID clients, a tenant for the others", () => {
    expect(errorOf({ ...minimal, [configNames.entraTenantId]: "contoso.onmicrosoft.com", [configNames.entraAudience]: "api://x" }).variables).toStrictEqual([
      configNames.entraTenantId,
    ]);
    expect(errorOf({ ...minimal, [configNames.entraTenantId]: tenant }).variables).toStrictEqual([configNames.entraAudience]);
    expect(errorOf({ ...minimal, [configNames.entraTenantId]: tenant, [configNames.entraAudience]: "api://x", [configNames.entraAllowedClients]: "logic-app" }).variables).toStrictEqual([
      configNames.entraAllowedClients,
    ]);
    expect(errorOf({ ...minimal, [configNames.entraAudience]: "api://x" }).message).toContain("TRIGGER_ENTRA_TENANT_ID is required when TRIGGER_ENTRA_AUDIENCE is set");
  });

  it("refuses unauthenticated access together with Entra ID", () => {
    const { [configNames.apiKeys]: _none, ...withoutKeys } = minimal;
    const env = { ...withoutKeys, [configNames.entraTenantId]: tenant, [configNames.entraAudience]: "api://x", [configNames.allowUnauthenticated]: "true" };
    expect(errorOf(env).variables).toStrictEqual([configNames.allowUnauthenticated]);
  });
});

describe("configSchema", () => {
  it("is the schema parseConfig applies: the same Config, the same problems", () => {
    expect(configSchema.parse(minimal)).toStrictEqual(parseConfig(minimal));
    const parsed = configSchema.safeParse({ ...minimal, [configNames.port]: "http" });
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message])).toStrictEqual([[[configNames.port], "must be an integer from 0 to 65535"]]);
  });
});

describe("configProblemsOf", () => {
  it("checks only the named variables, an absent one as unset, and only the rules among them", () => {
    const names = [configNames.maxQueued, configNames.armRetryTimeoutMs, configNames.armRequestTimeoutMs];
    expect(configProblemsOf({}, names)).toStrictEqual([]);
    expect(configProblemsOf({ [configNames.maxQueued]: "-1", [configNames.armRequestTimeoutMs]: "40000" }, names)).toStrictEqual([
      { variable: configNames.armRequestTimeoutMs, problem: `must not exceed ${configNames.armRetryTimeoutMs}, the budget of the whole call` },
      { variable: configNames.maxQueued, problem: "must be an integer from 0 to 10000" },
    ]);
  });

  it("holds a named required variable to its rule, and leaves the rules that read unnamed ones", () => {
    expect(configProblemsOf({}, [configNames.subscriptionId, configNames.apiKeys])).toStrictEqual([{ variable: configNames.subscriptionId, problem: "is required" }]);
  });
});
