import { describe, expect, it } from "vitest";
import type { WireContainer, WireEnvironmentVariable } from "../../service/core/arm-types.js";
import { baseDefinition } from "../../service/core/base-definition.js";
import type { BaseEnv } from "../../service/core/base-env.js";
import { recreateBody } from "../../service/core/recreate-body.js";
import { baseEnvName, runIdEnvName } from "../../service/core/trigger-env-names.js";
import { simulateGet } from "../helpers/withhold-secrets.js";

const runId = "0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b";

/** The target container as GET shows it: secure values withheld. */
function container(env: WireEnvironmentVariable[], command?: string[]): WireContainer {
  return {
    name: "job",
    properties: {
      image: "example/job:1",
      resources: { requests: { cpu: 1, memoryInGB: 1 } },
      environmentVariables: env,
      ...(command ? { command } : {}),
    },
  };
}

const deployedEnv: WireEnvironmentVariable[] = [{ name: "MODE", value: "batch" }, { name: "DB_PASSWORD" }];
const stored: BaseEnv = { env: deployedEnv, command: ["run", "--all"] };

/** The target as a run put it: the base, the run's own env and command, and the mark. */
function afterRun(extra: WireEnvironmentVariable[] = []): WireContainer {
  return container([...deployedEnv, { name: "FROM_RUN", value: "1" }, ...extra, { name: runIdEnvName, value: runId }], ["once"]);
}

describe("baseDefinition", () => {
  it("takes the stored base for a target the service defined, ignoring the run env it holds", () => {
    expect(baseDefinition(afterRun(), stored)).toStrictEqual({ base: stored, learned: false });
  });

  it("prefers the stored base to the bookkeeping var of an earlier version", () => {
    const legacy = { name: baseEnvName, value: JSON.stringify({ env: [{ name: "OLD", value: "x" }] }) };
    expect(baseDefinition(afterRun([legacy]), stored)).toStrictEqual({ base: stored, learned: false });
  });

  it("learns the env and command of a target someone else defined", () => {
    const target = container([{ name: "MODE", value: "stream" }, { name: "DB_PASSWORD" }], ["serve"]);
    expect(baseDefinition(target, undefined)).toStrictEqual({
      base: { env: [{ name: "MODE", value: "stream" }, { name: "DB_PASSWORD" }], command: ["serve"] },
      learned: true,
    });
  });

  it("takes the base the stack defines over the stored and the learned one, its secure names withheld after the plain env", () => {
    const wanted = { base: { env: { MODE: "stream", LEVEL: "debug" }, command: ["serve"] }, secureNames: ["DB_PASSWORD"] };
    const expected: BaseEnv = {
      env: [{ name: "MODE", value: "stream" }, { name: "LEVEL", value: "debug" }, { name: "DB_PASSWORD" }],
      command: ["serve"],
    };
    expect(baseDefinition(afterRun(), stored, wanted).base).toStrictEqual(expected);
    expect(baseDefinition(container([{ name: "MODE", value: "batch" }], ["old"]), undefined, wanted).base).toStrictEqual(expected);
  });

  it("runs the image's entrypoint when the stack's base has no command, whatever the group had", () => {
    const { base } = baseDefinition(afterRun(), stored, { base: { env: {} }, secureNames: [] });
    expect(base).toStrictEqual({ env: [] });
    const result = recreateBody({ group: { properties: { osType: "Linux", containers: [afterRun()] } }, request: { env: {} }, secrets: {}, base, runId });
    if (!result.ok) throw new Error(`refused: ${result.code}`);
    expect(result.body.properties.containers[0]?.properties.command).toBeUndefined();
  });

  it("learns a target without a command as a base without one", () => {
    const { base } = baseDefinition(container([{ name: "MODE", value: "batch" }]), undefined);
    expect(base).toStrictEqual({ env: [{ name: "MODE", value: "batch" }] });
  });

  it("learns a target with no env at all as an empty base", () => {
    const target = container([]);
    delete target.properties.environmentVariables;
    expect(baseDefinition(target, undefined)).toStrictEqual({ base: { env: [] }, learned: true });
  });

  it("keeps the service's own names and any secure value a GET should not have shown out of a learned base", () => {
    const target = container([
      { name: "MODE", value: "batch" },
      { name: "TOKEN", secureValue: "leaked" },
      { name: runIdEnvName },
      { name: baseEnvName, value: "{not json" },
    ]);
    expect(baseDefinition(target, undefined).base).toStrictEqual({ env: [{ name: "MODE", value: "batch" }, { name: "TOKEN" }] });
  });

  it("decodes the bookkeeping var of an earlier version for a marked target the store has no base for", () => {
    const legacy: BaseEnv = { env: [{ name: "MODE", value: "batch" }, { name: "DB_PASSWORD" }], command: ["run", "--all"] };
    const target = afterRun([{ name: baseEnvName, value: JSON.stringify(legacy) }]);
    expect(baseDefinition(target, undefined)).toStrictEqual({ base: legacy, learned: true });
  });

  it("keeps unknown entry fields of a decoded bookkeeping var, and drops the service's names from it", () => {
    const encoded = { env: [{ name: "MODE", value: "batch", futureField: 1 }, { name: runIdEnvName, value: "older" }] };
    const target = afterRun([{ name: baseEnvName, value: JSON.stringify(encoded) }]);
    expect(baseDefinition(target, undefined).base).toStrictEqual({ env: [{ name: "MODE", value: "batch", futureField: 1 }] });
  });

  it.each([
    ["is not JSON", "{not json"],
    ["has the wrong shape", JSON.stringify({ env: "MODE=batch" })],
    ["holds a secure value", JSON.stringify({ env: [{ name: "DB_PASSWORD", secureValue: "leaked" }] })],
  ])("falls back to the current env when the bookkeeping var %s", (_title, value) => {
    const target = afterRun([{ name: baseEnvName, value }]);
    expect(baseDefinition(target, undefined)).toStrictEqual({
      base: { env: [...deployedEnv, { name: "FROM_RUN", value: "1" }], command: ["once"] },
      learned: true,
    });
  });

  it("learns an operator's change made after a run, such as a `pulumi up` that re-sent the base with a new value", () => {
    const redeployed = container([{ name: "MODE", value: "stream" }, { name: "DB_PASSWORD" }], ["run", "--all"]);
    const { base, learned } = baseDefinition(redeployed, stored);
    expect(learned).toBe(true);
    expect(base).toStrictEqual({ env: [{ name: "MODE", value: "stream" }, { name: "DB_PASSWORD" }], command: ["run", "--all"] });

    // The next run starts from the new value, and so does the one after it, from the stored base.
    const group = simulateGet({ location: "westeurope", properties: { osType: "Linux", containers: [redeployed] } });
    const secrets = { env: { job: { DB_PASSWORD: "db-secret-value" } } };
    const first = recreateBody({ group, request: { env: { FROM_RUN: "1" } }, secrets, base, runId });
    if (!first.ok) throw new Error(`refused: ${JSON.stringify(first)}`);
    const carried = simulateGet(first.body).properties.containers[0];
    if (!carried) throw new Error("no target container");
    expect(baseDefinition(carried, base)).toStrictEqual({ base, learned: false });
    expect(carried.properties.environmentVariables).toContainEqual({ name: "MODE", value: "stream" });
  });
});
