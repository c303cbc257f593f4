import { describe, expect, it } from "vitest";
import type { WireContainerGroup } from "../../service/arm-types.js";
import { recreate } from "../../service/recreate.js";
import { nextRunRecord, type RunRecord } from "../../service/run-record.js";
import type { RunRequest } from "../../service/run-request.js";
import type { AciSecrets } from "../../service/secrets.js";
import { simulateGet } from "../helpers/withhold-secrets.js";

const record: RunRecord = nextRunRecord(undefined, { runId: "run-1", startedAt: "2024-05-01T10:00:00.000Z", requestHash: "a".repeat(64) });

/** The definition the operator deployed: one job container with a secure value, and a sidecar. */
function deployed(): WireContainerGroup {
  return {
    location: "westeurope",
    tags: { owner: "team" },
    properties: {
      osType: "Linux",
      restartPolicy: "Never",
      containers: [
        {
          name: "job",
          properties: {
            image: "example/job:1",
            command: ["run", "--all"],
            resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
            environmentVariables: [
              { name: "MODE", value: "batch" },
              { name: "DB_PASSWORD", secureValue: "db-secret-value" },
              { name: "LEVEL", value: "info" },
            ],
          },
        },
        { name: "sidecar", properties: { image: "example/sidecar:1", resources: { requests: { cpu: 0.5, memoryInGB: 0.5 } } } },
      ],
      diagnostics: { logAnalytics: { workspaceId: "ws", workspaceKey: "ws-key-value", logType: "ContainerInstanceLogs" } },
      extensions: [{ name: "metrics", properties: { extensionType: "realtime-metrics", version: "1.0" } }],
    },
  };
}

const secrets: AciSecrets = {
  env: { job: { DB_PASSWORD: "db-secret-value" } },
  logAnalyticsWorkspaceKey: "ws-key-value",
  logAnalyticsSettings: { logType: "ContainerInstanceLogs" },
  extensionProtectedSettings: { metrics: {} },
};

function run(request: RunRequest, group = simulateGet(deployed()), config = secrets, targetContainer?: string) {
  return recreate({ group, request, secrets: config, record, ...(targetContainer ? { targetContainer } : {}) });
}

function envOf(result: ReturnType<typeof recreate>, index = 0) {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
  return result.body.properties.containers[index]?.properties.environmentVariables ?? [];
}

describe("recreate", () => {
  it("puts the request env after the base env, sorted, then the run id and the bookkeeping var", () => {
    const env = envOf(run({ env: { ZED: "1", ALPHA: "2", LEVEL: "debug" } }));
    expect(env.map((e) => e.name)).toStrictEqual(["MODE", "DB_PASSWORD", "LEVEL", "ALPHA", "ZED", "TRIGGER_RUN_ID", "TRIGGER_BASE"]);
    expect(env[1]).toStrictEqual({ name: "DB_PASSWORD", secureValue: "db-secret-value" });
    expect(env[2]).toStrictEqual({ name: "LEVEL", value: "debug" });
    expect(env[5]).toStrictEqual({ name: "TRIGGER_RUN_ID", value: "run-1" });
  });

  it("keeps no secure value in the bookkeeping var", () => {
    const base = envOf(run({ env: {} })).find((e) => e.name === "TRIGGER_BASE");
    expect(base?.value).not.toContain("db-secret-value");
    expect(JSON.parse(base?.value ?? "")).toStrictEqual({
      env: [{ name: "MODE", value: "batch" }, { name: "DB_PASSWORD" }, { name: "LEVEL", value: "info" }],
      command: ["run", "--all"],
    });
  });

  it("brings the base command back on the run after one that replaced it", () => {
    const first = run({ env: {}, command: ["once"] });
    if (!first.ok) throw new Error("refused");
    expect(first.body.properties.containers[0]?.properties.command).toStrictEqual(["once"]);
    const second = run({ env: {} }, simulateGet(first.body));
    if (!second.ok) throw new Error("refused");
    expect(second.body.properties.containers[0]?.properties.command).toStrictEqual(["run", "--all"]);
  });

  it("leaves the command out on every run when the container had none before the first", () => {
    const group = deployed();
    delete group.properties.containers[0]?.properties.command;
    const first = run({ env: {}, command: ["once"] }, simulateGet(group));
    if (!first.ok) throw new Error("refused");
    const second = run({ env: {} }, simulateGet(first.body));
    if (!second.ok) throw new Error("refused");
    expect(second.body.properties.containers[0]?.properties).not.toHaveProperty("command");
  });

  it("sets the run env on the named container and leaves the first one as it was", () => {
    const result = run({ env: { A: "1" } }, simulateGet(deployed()), secrets, "sidecar");
    expect(envOf(result, 1).map((e) => e.name)).toStrictEqual(["A", "TRIGGER_RUN_ID", "TRIGGER_BASE"]);
    expect(envOf(result, 0)).toStrictEqual(deployed().properties.containers[0]?.properties.environmentVariables);
  });

  it("refuses a target container the group does not have", () => {
    expect(run({ env: {} }, simulateGet(deployed()), secrets, "missing")).toStrictEqual({ ok: false, code: "ContainerNotFound", container: "missing" });
  });

  it("refuses to replace a secure base variable with a plain value", () => {
    expect(run({ env: { DB_PASSWORD: "guess", MODE: "x" } })).toStrictEqual({ ok: false, code: "SecureVariableOverride", names: ["DB_PASSWORD"] });
  });

  it("refuses when a secure value is not configured, naming it", () => {
    expect(run({ env: {} }, simulateGet(deployed()), { ...secrets, env: {} })).toStrictEqual({
      ok: false,
      code: "SecretNotConfigured",
      missing: [{ kind: "secureEnv", container: "job", name: "DB_PASSWORD" }],
    });
  });

  it("refuses when a bookkeeping var it did not write makes the base unknowable", () => {
    const group = simulateGet(deployed());
    group.properties.containers[0]?.properties.environmentVariables?.push({ name: "TRIGGER_BASE", value: "{not json" });
    expect(run({ env: {} }, group)).toStrictEqual({ ok: false, code: "BaseEnvUnreadable", container: "job" });
  });

  it("refuses when the trigger tags would take the group past ARM's 50 tags", () => {
    const group = simulateGet(deployed());
    group.tags = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`tag${i}`, "v"]));
    expect(run({ env: {} }, group)).toStrictEqual({ ok: false, code: "TooManyTags" });
    group.tags = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`tag${i}`, "v"]));
    expect(run({ env: {} }, group).ok).toBe(true);
  });

  it("sends no protected settings for an extension configured with {}", () => {
    const result = run({ env: {} });
    if (!result.ok) throw new Error("refused");
    expect(result.body.properties.extensions?.[0]?.properties).toStrictEqual({ extensionType: "realtime-metrics", version: "1.0" });
  });

  it("lets the Log Analytics log type revert to ACI's default when it is not configured", () => {
    const result = run({ env: {} }, simulateGet(deployed()), { ...secrets, logAnalyticsSettings: {} });
    if (!result.ok) throw new Error("refused");
    expect(result.body.properties.diagnostics?.logAnalytics).toStrictEqual({ workspaceId: "ws", workspaceKey: "ws-key-value" });
  });

  it("ignores a reserved name in a request that bypassed validation", () => {
    const env = envOf(run({ env: { TRIGGER_RUN_ID: "forged", TRIGGER_BASE: "{}" } }));
    expect(env.filter((e) => e.name === "TRIGGER_RUN_ID")).toStrictEqual([{ name: "TRIGGER_RUN_ID", value: "run-1" }]);
    expect(env.filter((e) => e.name === "TRIGGER_BASE")).toHaveLength(1);
  });

  it("replaces a run id the group already had before its first trigger run", () => {
    const group = simulateGet(deployed());
    group.properties.containers[0]?.properties.environmentVariables?.push({ name: "TRIGGER_RUN_ID", value: "old" });
    const env = envOf(run({ env: {} }, group));
    expect(env.filter((e) => e.name === "TRIGGER_RUN_ID")).toStrictEqual([{ name: "TRIGGER_RUN_ID", value: "run-1" }]);
  });
});
