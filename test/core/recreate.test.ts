import { describe, expect, it } from "vitest";
import type { WireContainerGroup } from "../../service/core/arm-types.js";
import { baseDefinition } from "../../service/core/base-definition.js";
import type { BaseEnv } from "../../service/core/base-env.js";
import { targetContainer } from "../../service/core/carried-run.js";
import { recreateBody, type RecreateResult } from "../../service/core/recreate-body.js";
import type { RunRequest } from "../../service/core/run-request.js";
import type { AciSecrets } from "../../service/core/secrets.js";
import { simulateGet } from "../helpers/withhold-secrets.js";

const runId = "0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b";

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

/** The base the service learns from a group as read, as dispatch does before a PUT. */
function baseOf(group: WireContainerGroup, container?: string, stored?: BaseEnv): BaseEnv {
  const target = targetContainer(group, container);
  if (!target) throw new Error("no target container");
  return baseDefinition(target, stored).base;
}

interface RunOptions {
  group?: WireContainerGroup;
  config?: AciSecrets;
  targetContainer?: string;
  base?: BaseEnv;
  id?: string;
  image?: string;
}

function run(request: RunRequest, options: RunOptions = {}): RecreateResult {
  const group = options.group ?? simulateGet(deployed());
  const chosen = {
    ...(options.targetContainer ? { targetContainer: options.targetContainer } : {}),
    ...(options.image ? { image: options.image } : {}),
  };
  const base = options.base ?? baseOf(group, options.targetContainer);
  return recreateBody({ group, request, secrets: options.config ?? secrets, base, runId: options.id ?? runId, ...chosen });
}

function bodyOf(result: RecreateResult): WireContainerGroup {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
  return result.body;
}

function envOf(result: RecreateResult, index = 0) {
  return bodyOf(result).properties.containers[index]?.properties.environmentVariables ?? [];
}

describe("recreateBody", () => {
  it("puts the request env after the base env, sorted, then the run id, and nothing else", () => {
    const env = envOf(run({ env: { ZED: "1", ALPHA: "2", LEVEL: "debug" } }));
    expect(env).toStrictEqual([
      { name: "MODE", value: "batch" },
      { name: "DB_PASSWORD", secureValue: "db-secret-value" },
      { name: "LEVEL", value: "debug" },
      { name: "ALPHA", value: "2" },
      { name: "ZED", value: "1" },
      { name: "TRIGGER_RUN_ID", value: runId },
      { name: "TRIGGER_ATTEMPT", value: "1" },
    ]);
  });

  it("tags the body with the run id and keeps the operator's tags", () => {
    expect(bodyOf(run({ env: {} })).tags).toStrictEqual({ owner: "team", "trigger-run-id": runId });
  });

  it("drops the run record tags of versions before the run store", () => {
    const group = simulateGet(deployed());
    group.tags = {
      owner: "team",
      "trigger-run-id": "old",
      "trigger-run-started": "2024-05-01T10:00:00.000Z",
      "trigger-request-hash": "a".repeat(64),
      "trigger-idempotency-key": "b".repeat(64),
      "trigger-previous-runs": "older,oldest",
    };
    expect(bodyOf(run({ env: {} }, { group })).tags).toStrictEqual({ owner: "team", "trigger-run-id": runId });
  });

  it("brings the base command back on the run after one that replaced it", () => {
    const first = bodyOf(run({ env: {}, command: ["once"] }));
    expect(first.properties.containers[0]?.properties.command).toStrictEqual(["once"]);
    const stored = baseOf(simulateGet(deployed()));
    const second = bodyOf(run({ env: {} }, { group: simulateGet(first), base: baseOf(simulateGet(first), undefined, stored) }));
    expect(second.properties.containers[0]?.properties.command).toStrictEqual(["run", "--all"]);
  });

  it("leaves the command out on every run when the container had none before the first", () => {
    const group = deployed();
    delete group.properties.containers[0]?.properties.command;
    const stored = baseOf(simulateGet(group));
    const first = bodyOf(run({ env: {}, command: ["once"] }, { group: simulateGet(group), base: stored }));
    const second = bodyOf(run({ env: {} }, { group: simulateGet(first), base: baseOf(simulateGet(first), undefined, stored) }));
    expect(second.properties.containers[0]?.properties).not.toHaveProperty("command");
  });

  it("takes the target's env and command from the base passed in, not from the group as read", () => {
    const group = simulateGet(deployed());
    const base: BaseEnv = { env: [{ name: "ONLY", value: "base" }], command: ["from", "base"] };
    const sent = bodyOf(run({ env: {} }, { group, base })).properties.containers[0]?.properties;
    expect(sent?.environmentVariables).toStrictEqual([{ name: "ONLY", value: "base" }, { name: "TRIGGER_RUN_ID", value: runId }, { name: "TRIGGER_ATTEMPT", value: "1" }]);
    expect(sent?.command).toStrictEqual(["from", "base"]);
  });

  it("keeps the image the group has when no image is wanted", () => {
    const images = bodyOf(run({ env: {} })).properties.containers.map((c) => c.properties.image);
    expect(images).toStrictEqual(["example/job:1", "example/sidecar:1"]);
  });

  it("runs the wanted image on the target container alone, the rest of its definition unchanged", () => {
    const wanted = "registry.example/job@sha256:" + "ab".repeat(32);
    const sent = bodyOf(run({ env: {} }, { targetContainer: "sidecar", image: wanted }));
    const unchanged = bodyOf(run({ env: {} }, { targetContainer: "sidecar" }));
    expect(sent.properties.containers[1]?.properties.image).toBe(wanted);
    expect(sent.properties.containers[0]).toStrictEqual(unchanged.properties.containers[0]);
    const { image: _sentImage, ...sentRest } = sent.properties.containers[1]!.properties;
    const { image: _oldImage, ...oldRest } = unchanged.properties.containers[1]!.properties;
    expect(sentRest).toStrictEqual(oldRest);
  });

  it("sets the run env on the named container and leaves the first one as it was", () => {
    const result = run({ env: { A: "1" } }, { targetContainer: "sidecar" });
    expect(envOf(result, 1)).toStrictEqual([{ name: "A", value: "1" }, { name: "TRIGGER_RUN_ID", value: runId }, { name: "TRIGGER_ATTEMPT", value: "1" }]);
    expect(envOf(result, 0)).toStrictEqual(deployed().properties.containers[0]?.properties.environmentVariables);
  });

  it("refuses a target container the group does not have", () => {
    expect(run({ env: {} }, { targetContainer: "missing", base: { env: [] } })).toStrictEqual({
      ok: false,
      code: "ContainerNotFound",
      container: "missing",
    });
  });

  it("refuses to replace a secure base variable with a plain value", () => {
    expect(run({ env: { DB_PASSWORD: "guess", MODE: "x" } })).toStrictEqual({ ok: false, code: "SecureVariableOverride", names: ["DB_PASSWORD"] });
  });

  it("refuses to replace a variable that is secure in the stored base, even when the group shows it plain", () => {
    const group = simulateGet(deployed());
    const base: BaseEnv = { env: [{ name: "TOKEN" }] };
    expect(run({ env: { TOKEN: "guess" } }, { group, base })).toStrictEqual({ ok: false, code: "SecureVariableOverride", names: ["TOKEN"] });
  });

  it("checks the target before the request: an unknown container wins over an override", () => {
    expect(run({ env: { DB_PASSWORD: "guess" } }, { targetContainer: "missing", base: { env: [] } })).toMatchObject({ code: "ContainerNotFound" });
  });

  it("refuses when a secure value is not configured, naming it", () => {
    expect(run({ env: {} }, { config: { ...secrets, env: {} } })).toStrictEqual({
      ok: false,
      code: "SecretNotConfigured",
      missing: [{ kind: "secureEnv", container: "job", name: "DB_PASSWORD" }],
    });
  });

  it("refuses when the run id tag would take the group past ARM's 50 tags", () => {
    const group = simulateGet(deployed());
    group.tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`tag${i}`, "v"]));
    expect(run({ env: {} }, { group })).toStrictEqual({ ok: false, code: "TooManyTags" });
    group.tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`tag${i}`, "v"]));
    expect(Object.keys(bodyOf(run({ env: {} }, { group })).tags ?? {})).toHaveLength(50);
  });

  it("counts the tags after dropping the ones it replaces", () => {
    const group = simulateGet(deployed());
    group.tags = {
      ...Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`tag${i}`, "v"])),
      "trigger-run-id": "old",
      "trigger-run-started": "2024-05-01T10:00:00.000Z",
    };
    expect(run({ env: {} }, { group }).ok).toBe(true);
  });

  it("sends no protected settings for an extension configured with {}", () => {
    expect(bodyOf(run({ env: {} })).properties.extensions?.[0]?.properties).toStrictEqual({ extensionType: "realtime-metrics", version: "1.0" });
  });

  it("lets the Log Analytics log type revert to ACI's default when it is not configured", () => {
    const result = run({ env: {} }, { config: { ...secrets, logAnalyticsSettings: {} } });
    expect(bodyOf(result).properties.diagnostics?.logAnalytics).toStrictEqual({ workspaceId: "ws", workspaceKey: "ws-key-value" });
  });

  it("ignores a reserved name in a request that bypassed validation", () => {
    const env = envOf(run({ env: { TRIGGER_RUN_ID: "forged", TRIGGER_BASE: "{}" } }));
    expect(env.filter((e) => e.name === "TRIGGER_RUN_ID")).toStrictEqual([{ name: "TRIGGER_RUN_ID", value: runId }]);
    expect(env.filter((e) => e.name === "TRIGGER_BASE")).toStrictEqual([]);
  });

  it("drops the bookkeeping var of versions before the run store from the body", () => {
    const group = simulateGet(deployed());
    group.properties.containers[0]?.properties.environmentVariables?.push(
      { name: "TRIGGER_RUN_ID", value: "old" },
      { name: "TRIGGER_BASE", value: JSON.stringify({ env: [{ name: "MODE", value: "batch" }] }) },
    );
    expect(envOf(run({ env: {} }, { group })).map((e) => e.name)).toStrictEqual(["MODE", "TRIGGER_RUN_ID", "TRIGGER_ATTEMPT"]);
  });

  it("replaces a run id the group already had before its first trigger run", () => {
    const group = simulateGet(deployed());
    group.properties.containers[0]?.properties.environmentVariables?.push({ name: "TRIGGER_RUN_ID", value: "old" });
    const env = envOf(run({ env: {} }, { group, base: baseOf(simulateGet(deployed())) }));
    expect(env.filter((e) => e.name === "TRIGGER_RUN_ID")).toStrictEqual([{ name: "TRIGGER_RUN_ID", value: runId }]);
  });
});
