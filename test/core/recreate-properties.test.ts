import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireContainerGroup, WireEnvironmentVariable } from "../../service/arm-types.js";
import { recreate } from "../../service/recreate.js";
import { hashRequest, nextRunRecord, type RunRecord, runRecordTags } from "../../service/run-record.js";
import type { RunRequest } from "../../service/run-request.js";
import { type AciSecrets, type MissingSecret, missingSecrets } from "../../service/secrets.js";
import { baseEnvName, runIdEnvName } from "../../service/trigger-env-names.js";
import { deploymentArb, readOnlyValuesArb, runIdArb, runRequestArb } from "../helpers/arbitraries.js";
import { simulateGet } from "../helpers/withhold-secrets.js";

const runs = { numRuns: 150 };

function recordFor(request: RunRequest, runId: string, previous?: RunRecord): RunRecord {
  return nextRunRecord(previous, { runId, startedAt: "2024-05-01T10:00:00.000Z", requestHash: hashRequest(request) });
}

function targetIndexOf(definition: WireContainerGroup, choice: number | undefined): number {
  return choice === undefined ? 0 : choice % definition.properties.containers.length;
}

function targetNameOf(definition: WireContainerGroup, choice: number | undefined): string | undefined {
  return choice === undefined ? undefined : definition.properties.containers[targetIndexOf(definition, choice)]?.name;
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
  return env;
}

function withoutBookkeeping(env: Map<string, string | undefined>): Map<string, string | undefined> {
  const copy = new Map(env);
  copy.delete(baseEnvName);
  return copy;
}

const scenarioArb = fc.record({
  deployment: deploymentArb,
  request: runRequestArb,
  runId: runIdArb,
  readOnly: readOnlyValuesArb,
  target: fc.option(fc.nat(5), { nil: undefined }),
});

describe("recreate over arbitrary groups", () => {
  it("sends back the deployed definition with every secret, changing only the target's env and command and the trigger tags", () => {
    fc.assert(
      fc.property(scenarioArb, ({ deployment: { definition, secrets }, request: raw, runId, readOnly, target }) => {
        const index = targetIndexOf(definition, target);
        const request = withoutNames(raw, secureNamesOf(definition, index));
        const record = recordFor(request, runId);
        const group = simulateGet(definition, readOnly);
        const targetContainer = targetNameOf(definition, target);
        const result = recreate({ group, request, secrets, record, ...(targetContainer ? { targetContainer } : {}) });

        if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
        expect(unchangedPart(result.body, index)).toStrictEqual(unchangedPart(definition, index));
        expect(result.body.tags).toStrictEqual(runRecordTags(definition.tags, record));
        const sent = result.body.properties.containers[index]?.properties;
        expect(withoutBookkeeping(effectiveEnv(sent?.environmentVariables))).toStrictEqual(expectedEnv(definition, index, request, runId));
        expect(sent?.command).toStrictEqual(request.command ?? definition.properties.containers[index]?.properties.command);
      }),
      runs,
    );
  });

  it("orders the target env as base order, then new request names sorted, then the run id and the bookkeeping var", () => {
    fc.assert(
      fc.property(scenarioArb, ({ deployment: { definition, secrets }, request: raw, runId, target }) => {
        const index = targetIndexOf(definition, target);
        const request = withoutNames(raw, secureNamesOf(definition, index));
        const result = recreate({ group: simulateGet(definition), request, secrets, record: recordFor(request, runId), ...(target === undefined ? {} : { targetContainer: targetNameOf(definition, target) ?? "" }) });
        if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);

        const baseNames = (definition.properties.containers[index]?.properties.environmentVariables ?? []).map((e) => e.name);
        const added = Object.keys(request.env).filter((n) => !baseNames.includes(n)).sort();
        const names = result.body.properties.containers[index]?.properties.environmentVariables?.map((e) => e.name);
        expect(names).toStrictEqual([...baseNames, ...added, runIdEnvName, baseEnvName]);
      }),
      runs,
    );
  });

  it("carries nothing from one run into the next: run B sees the base env plus B's request only", () => {
    fc.assert(
      fc.property(scenarioArb, runRequestArb, runIdArb, ({ deployment: { definition, secrets }, request: rawA, runId, readOnly, target }, rawB, runIdB) => {
        const index = targetIndexOf(definition, target);
        const secure = secureNamesOf(definition, index);
        const [requestA, requestB] = [withoutNames(rawA, secure), withoutNames(rawB, secure)];
        const targetContainer = targetNameOf(definition, target);
        const chosen = targetContainer ? { targetContainer } : {};
        const recordA = recordFor(requestA, runId);
        const a = recreate({ group: simulateGet(definition, readOnly), request: requestA, secrets, record: recordA, ...chosen });
        if (!a.ok) throw new Error(`run A refused: ${JSON.stringify(a)}`);

        const recordB = recordFor(requestB, runIdB, recordA);
        const b = recreate({ group: simulateGet(a.body, readOnly), request: requestB, secrets, record: recordB, ...chosen });
        if (!b.ok) throw new Error(`run B refused: ${JSON.stringify(b)}`);

        expect(unchangedPart(b.body, index)).toStrictEqual(unchangedPart(definition, index));
        const sent = b.body.properties.containers[index]?.properties;
        expect(withoutBookkeeping(effectiveEnv(sent?.environmentVariables))).toStrictEqual(expectedEnv(definition, index, requestB, runIdB));
        expect(sent?.command).toStrictEqual(requestB.command ?? definition.properties.containers[index]?.properties.command);
        expect(b.body.tags).toStrictEqual(runRecordTags(definition.tags, recordB));
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
        const result = recreate({ group, request, secrets: reduced, record: recordFor(request, runId) });
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
        const targetContainer = targetNameOf(definition, target);
        const result = recreate({ group: simulateGet(definition), request, secrets, record: recordFor(request, runId), ...(targetContainer ? { targetContainer } : {}) });
        expect(result).toStrictEqual({ ok: false, code: "SecureVariableOverride", names: overridden });
      }),
      { numRuns: 60 },
    );
  });

  it("never changes the group it was given", () => {
    fc.assert(
      fc.property(scenarioArb, ({ deployment: { definition, secrets }, request, runId, readOnly }) => {
        const group = simulateGet(definition, readOnly);
        const before = structuredClone(group);
        const secretsBefore = structuredClone(secrets);
        recreate({ group, request, secrets, record: recordFor(request, runId) });
        expect(group).toStrictEqual(before);
        expect(secrets).toStrictEqual(secretsBefore);
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
