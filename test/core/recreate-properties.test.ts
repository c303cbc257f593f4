import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireContainerGroup, WireEnvironmentVariable } from "../../service/core/arm-types.js";
import { baseDefinition } from "../../service/core/base-definition.js";
import type { BaseEnv } from "../../service/core/base-env.js";
import { runIdTagName, targetContainer } from "../../service/core/carried-run.js";
import { recreateBody, type RecreateResult } from "../../service/core/recreate-body.js";
import type { RunRequest } from "../../service/core/run-request.js";
import { type AciSecrets, type MissingSecret, missingSecrets } from "../../service/core/secrets.js";
import { attemptEnvName, baseEnvName, runIdEnvName } from "../../service/core/trigger-env-names.js";
import { deploymentArb, readOnlyValuesArb, runIdArb, runRequestArb } from "../helpers/arbitraries.js";
import { simulateGet } from "../helpers/withhold-secrets.js";

const runs = { numRuns: 150 };

function targetIndexOf(definition: WireContainerGroup, choice: number | undefined): number {
  return choice === undefined ? 0 : choice % definition.properties.containers.length;
}

function targetNameOf(definition: WireContainerGroup, choice: number | undefined): string | undefined {
  return choice === undefined ? undefined : definition.properties.containers[targetIndexOf(definition, choice)]?.name;
}

/** The `targetContainer` option for a choice: absent when the default (first) container is meant. */
function chosenTarget(definition: WireContainerGroup, choice: number | undefined): { targetContainer?: string } {
  const name = targetNameOf(definition, choice);
  return name === undefined ? {} : { targetContainer: name };
}

/** The base dispatch takes from a group as read, given what the store kept (JSON, as the store keeps it). */
function definitionBase(group: WireContainerGroup, choice: { targetContainer?: string }, stored?: BaseEnv): { base: BaseEnv; learned: boolean } {
  const target = targetContainer(group, choice.targetContainer);
  if (!target) throw new Error("no target container");
  return baseDefinition(target, stored === undefined ? undefined : (JSON.parse(JSON.stringify(stored)) as BaseEnv));
}

function accepted(result: RecreateResult, what = "run"): WireContainerGroup {
  if (!result.ok) throw new Error(`${what} refused: ${JSON.stringify(result)}`);
  return result.body;
}

/** The group with the target container's env and command and the tags taken out: what must not change. */
function unchangedPart(group: WireContainerGroup, index: number): WireContainerGroup {
  const copy = structuredClone(group);
  delete copy.tags;
  const target = copy.properties.containers[index];
  if (target) {
    delete target.properties.environmentVariables;
    delete target.properties.command;
  }
  return copy;
}

function secureNamesOf(definition: WireContainerGroup, index: number): Set<string> {
  const env = definition.properties.containers[index]?.properties.environmentVariables ?? [];
  return new Set(env.filter((e) => e.secureValue !== undefined).map((e) => e.name));
}

function withoutNames(request: RunRequest, names: Set<string>): RunRequest {
  return { ...request, env: Object.fromEntries(Object.entries(request.env).filter(([name]) => !names.has(name))) };
}

/** What the workload sees: name → the value it gets, secure or not. */
function effectiveEnv(env: WireEnvironmentVariable[] | undefined): Map<string, string | undefined> {
  return new Map((env ?? []).map((e) => [e.name, e.value ?? e.secureValue]));
}

function expectedEnv(definition: WireContainerGroup, index: number, request: RunRequest, runId: string): Map<string, string | undefined> {
  const env = effectiveEnv(definition.properties.containers[index]?.properties.environmentVariables);
  for (const [name, value] of Object.entries(request.env)) env.set(name, value);
  env.set(runIdEnvName, runId);
  env.set(attemptEnvName, "1");
  return env;
}

function expectedTags(definition: WireContainerGroup, runId: string): Record<string, string> {
  return { ...definition.tags, [runIdTagName]: runId };
}

/** The tags versions before the run store kept a run record in. */
const legacyTagsArb = fc.record(
  {
    "trigger-run-id": runIdArb,
    "trigger-run-started": fc.constant("2024-05-01T10:00:00.000Z"),
    "trigger-request-hash": fc.constant("a".repeat(64)),
    "trigger-idempotency-key": fc.constant("b".repeat(64)),
    "trigger-previous-runs": fc.constant("older,oldest"),
  },
  { requiredKeys: [] },
);

const scenarioArb = fc.record({
  deployment: deploymentArb,
  request: runRequestArb,
  runId: runIdArb,
  readOnly: readOnlyValuesArb,
  target: fc.option(fc.nat(5), { nil: undefined }),
});

const twoRunsArb = fc.record({ scenario: scenarioArb, requestB: runRequestArb, runIdB: runIdArb });
type TwoRuns = typeof twoRunsArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Run A started on the group as deployed, read back as ARM's GET shows it: the group a second
 * run B is dispatched to, with the base the store kept at A.
 */
function afterRunA({ scenario, requestB: rawB, runIdB }: TwoRuns) {
  const { deployment: { definition, secrets }, request: rawA, runId, readOnly, target } = scenario;
  const index = targetIndexOf(definition, target);
  const secure = secureNamesOf(definition, index);
  const chosen = chosenTarget(definition, target);
  const deployedGroup = simulateGet(definition, readOnly);
  const stored = definitionBase(deployedGroup, chosen).base;
  const a = accepted(recreateBody({ group: deployedGroup, request: withoutNames(rawA, secure), secrets, base: stored, runId, ...chosen }), "run A");
  return { definition, secrets, index, chosen, deployedGroup, stored, carrying: simulateGet(a, readOnly), requestB: withoutNames(rawB, secure), runIdB };
}

describe("recreateBody over arbitrary groups", () => {
  it("sends back the deployed definition with every secret, changing only the target's env and command and the run id tag", () => {
    fc.assert(
      fc.property(scenarioArb, ({ deployment: { definition, secrets }, request: raw, runId, readOnly, target }) => {
        const index = targetIndexOf(definition, target);
        const request = withoutNames(raw, secureNamesOf(definition, index));
        const group = simulateGet(definition, readOnly);
        const chosen = chosenTarget(definition, target);
        const body = accepted(recreateBody({ group, request, secrets, base: definitionBase(group, chosen).base, runId, ...chosen }));

        expect(unchangedPart(body, index)).toStrictEqual(unchangedPart(definition, index));
        expect(body.tags).toStrictEqual(expectedTags(definition, runId));
        const sent = body.properties.containers[index]?.properties;
        expect(effectiveEnv(sent?.environmentVariables)).toStrictEqual(expectedEnv(definition, index, request, runId));
        expect(sent?.command).toStrictEqual(request.command ?? definition.properties.containers[index]?.properties.command);
      }),
      runs,
    );
  });

  it("orders the target env as base order, then new request names sorted, then the run id, with no bookkeeping var", () => {
    fc.assert(
      fc.property(scenarioArb, ({ deployment: { definition, secrets }, request: raw, runId, target }) => {
        const index = targetIndexOf(definition, target);
        const request = withoutNames(raw, secureNamesOf(definition, index));
        const group = simulateGet(definition);
        const chosen = chosenTarget(definition, target);
        const body = accepted(recreateBody({ group, request, secrets, base: definitionBase(group, chosen).base, runId, ...chosen }));

        const baseNames = (definition.properties.containers[index]?.properties.environmentVariables ?? []).map((e) => e.name);
        const added = Object.keys(request.env).filter((n) => !baseNames.includes(n)).sort();
        const names = body.properties.containers[index]?.properties.environmentVariables?.map((e) => e.name);
        expect(names).toStrictEqual([...baseNames, ...added, runIdEnvName, attemptEnvName]);
        expect(names).not.toContain(baseEnvName);
      }),
      runs,
    );
  });

  it("adds only the run id tag, drops the run record tags of earlier versions and keeps every other tag", () => {
    fc.assert(
      fc.property(scenarioArb, legacyTagsArb, ({ deployment: { definition, secrets }, request: raw, runId }, legacy) => {
        const request = withoutNames(raw, secureNamesOf(definition, 0));
        const group = simulateGet({ ...definition, tags: { ...definition.tags, ...legacy } });
        const body = accepted(recreateBody({ group, request, secrets, base: definitionBase(group, {}).base, runId }));
        expect(body.tags).toStrictEqual(expectedTags(definition, runId));
      }),
      runs,
    );
  });

  it("carries nothing from one run into the next: run B sees the base env plus B's request only", () => {
    fc.assert(
      fc.property(twoRunsArb, (twoRuns) => {
        const { definition, secrets, index, chosen, stored, carrying, requestB, runIdB } = afterRunA(twoRuns);
        const { base, learned } = definitionBase(carrying, chosen, stored);
        expect(learned).toBe(false);
        const b = accepted(recreateBody({ group: carrying, request: requestB, secrets, base, runId: runIdB, ...chosen }), "run B");

        expect(unchangedPart(b, index)).toStrictEqual(unchangedPart(definition, index));
        const sent = b.properties.containers[index]?.properties;
        expect(effectiveEnv(sent?.environmentVariables)).toStrictEqual(expectedEnv(definition, index, requestB, runIdB));
        expect(sent?.command).toStrictEqual(requestB.command ?? definition.properties.containers[index]?.properties.command);
        expect(b.tags).toStrictEqual(expectedTags(definition, runIdB));
      }),
      runs,
    );
  });

  it("builds the same body from a group carrying a previous run and its stored base as from the group as deployed", () => {
    fc.assert(
      fc.property(twoRunsArb, (twoRuns) => {
        const { secrets, index, chosen, deployedGroup, stored, carrying, requestB, runIdB } = afterRunA(twoRuns);
        const fromCarrying = accepted(
          recreateBody({ group: carrying, request: requestB, secrets, base: definitionBase(carrying, chosen, stored).base, runId: runIdB, ...chosen }),
        );
        const fromDeployed = accepted(recreateBody({ group: deployedGroup, request: requestB, secrets, base: stored, runId: runIdB, ...chosen }));

        expect(fromCarrying.properties.containers[index]?.properties.environmentVariables).toStrictEqual(
          fromDeployed.properties.containers[index]?.properties.environmentVariables,
        );
        expect(fromCarrying).toStrictEqual(fromDeployed);
      }),
      runs,
    );
  });

  it("builds the same body from a group a version before the run store re-created as from the group as deployed", () => {
    fc.assert(
      fc.property(scenarioArb, legacyTagsArb, runIdArb, ({ deployment: { definition, secrets }, request: raw, runId, target }, legacy, oldRunId) => {
        const index = targetIndexOf(definition, target);
        const request = withoutNames(raw, secureNamesOf(definition, index));
        const chosen = chosenTarget(definition, target);
        const deployedGroup = simulateGet(definition);
        const base = definitionBase(deployedGroup, chosen).base;

        // What an earlier version PUT: the base plus its run's env, the run id and the base as JSON.
        const legacyRun = structuredClone(definition);
        legacyRun.tags = { ...definition.tags, ...legacy };
        const legacyTarget = legacyRun.properties.containers[index];
        if (!legacyTarget) throw new Error("no target container");
        legacyTarget.properties.environmentVariables = [
          ...(legacyTarget.properties.environmentVariables ?? []),
          { name: "LEFTOVER", value: "from the old run" },
          { name: runIdEnvName, value: oldRunId },
          { name: baseEnvName, value: JSON.stringify(base) },
        ];
        legacyTarget.properties.command = ["old", "command"];
        const legacyGroup = simulateGet(legacyRun);
        const fromLegacy = accepted(recreateBody({ group: legacyGroup, request, secrets, base: definitionBase(legacyGroup, chosen).base, runId, ...chosen }));
        const fromDeployed = accepted(recreateBody({ group: deployedGroup, request, secrets, base, runId, ...chosen }));
        expect(fromLegacy).toStrictEqual(fromDeployed);
      }),
      runs,
    );
  });

  it("refuses with exactly the secrets the configuration lacks", () => {
    const withRemovals = deploymentArb.chain(({ definition, secrets }) =>
      fc.record({
        definition: fc.constant(definition),
        secrets: fc.constant(secrets),
        removed: fc.subarray(secretSlots(secrets)),
      }),
    );
    fc.assert(
      fc.property(withRemovals, runRequestArb, runIdArb, ({ definition, secrets, removed }, raw, runId) => {
        const reduced = structuredClone(secrets);
        for (const slot of removed) slot.remove(reduced);
        const request = withoutNames(raw, secureNamesOf(definition, 0));
        const group = simulateGet(definition);
        const result = recreateBody({ group, request, secrets: reduced, base: definitionBase(group, {}).base, runId });
        const expected = sortMissing(removed.map((slot) => slot.missing));

        expect(sortMissing(missingSecrets(group, reduced))).toStrictEqual(expected);
        if (expected.length === 0) expect(result.ok).toBe(true);
        else expect(result.ok === false && result.code === "SecretNotConfigured" && sortMissing(result.missing)).toStrictEqual(expected);
      }),
      runs,
    );
  });

  it("refuses a request that names a secure variable of the target, naming exactly those variables", () => {
    fc.assert(
      fc.property(scenarioArb, ({ deployment: { definition, secrets }, request, runId, target }) => {
        const index = targetIndexOf(definition, target);
        const overridden = Object.keys(request.env).filter((n) => secureNamesOf(definition, index).has(n)).sort();
        fc.pre(overridden.length > 0);
        const group = simulateGet(definition);
        const chosen = chosenTarget(definition, target);
        const result = recreateBody({ group, request, secrets, base: definitionBase(group, chosen).base, runId, ...chosen });
        expect(result).toStrictEqual({ ok: false, code: "SecureVariableOverride", names: overridden });
      }),
      { numRuns: 60 },
    );
  });

  it("never changes the group, the secrets or the base it was given", () => {
    fc.assert(
      fc.property(scenarioArb, ({ deployment: { definition, secrets }, request, runId, readOnly }) => {
        const group = simulateGet(definition, readOnly);
        const base = definitionBase(group, {}).base;
        const before = structuredClone({ group, secrets, base });
        recreateBody({ group, request, secrets, base, runId });
        expect({ group, secrets, base }).toStrictEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});

interface SecretSlot {
  missing: MissingSecret;
  remove(secrets: AciSecrets): void;
}

/** Every secret `secrets` holds, each with the refusal its absence must cause. */
function secretSlots(secrets: AciSecrets): SecretSlot[] {
  const slots: SecretSlot[] = [];
  for (const [container, vars] of Object.entries(secrets.env ?? {})) {
    for (const name of Object.keys(vars)) {
      slots.push({ missing: { kind: "secureEnv", container, name }, remove: (s) => delete s.env?.[container]?.[name] });
    }
  }
  for (const server of Object.keys(secrets.registryPasswords ?? {})) {
    slots.push({ missing: { kind: "registryPassword", server }, remove: (s) => delete s.registryPasswords?.[server] });
  }
  if (secrets.logAnalyticsWorkspaceKey !== undefined) {
    slots.push({ missing: { kind: "logAnalyticsWorkspaceKey" }, remove: (s) => delete s.logAnalyticsWorkspaceKey });
  }
  for (const volume of Object.keys(secrets.azureFileKeys ?? {})) {
    slots.push({ missing: { kind: "azureFileKey", volume }, remove: (s) => delete s.azureFileKeys?.[volume] });
  }
  for (const volume of Object.keys(secrets.secretVolumes ?? {})) {
    slots.push({ missing: { kind: "secretVolume", volume }, remove: (s) => delete s.secretVolumes?.[volume] });
  }
  for (const extension of Object.keys(secrets.extensionProtectedSettings ?? {})) {
    slots.push({ missing: { kind: "extensionProtectedSettings", extension }, remove: (s) => delete s.extensionProtectedSettings?.[extension] });
  }
  return slots;
}

function sortMissing(missing: MissingSecret[]): string[] {
  return missing.map((m) => JSON.stringify(m)).sort();
}
