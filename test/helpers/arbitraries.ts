import fc from "fast-check";
import type {
  WireContainer,
  WireContainerGroup,
  WireEnvironmentVariable,
  WireExtension,
  WireImageRegistryCredential,
  WireVolume,
} from "../../service/core/arm-types.js";
import type { RunRequest } from "../../service/core/run-request.js";
import { secretsOf } from "../../service/core/definition-secrets.js";
import type { ReadOnlyValues } from "./withhold-secrets.js";

/**
 * fast-check arbitraries of container groups as an operator deploys them (every secret present),
 * with the ACI_SECRETS that restores them, and of run requests. Names come from small pools so
 * that requests and bases collide often.
 */

/** Env names shared by bases and requests, never one the trigger reserves. */
export const envNameArb = fc.constantFrom("A", "B", "C", "D", "E", "PATH", "MODE", "LEVEL", "_X", "Z9");
const valueArb = fc.string({ maxLength: 12 });
const secretValueArb = fc.string({ minLength: 1, maxLength: 12 });
const base64Arb = fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString("base64"));
const identifierArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);

/** Properties this code does not know: they must survive a re-create untouched. */
const unknownValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
);
export const unknownPropsArb = fc.dictionary(fc.stringMatching(/^future[A-Z][a-z]{0,5}$/), unknownValueArb, { maxKeys: 2 });

const envEntryArb = (name: string): fc.Arbitrary<WireEnvironmentVariable> =>
  fc.oneof(valueArb.map((value) => ({ name, value })), secretValueArb.map((secureValue) => ({ name, secureValue })));

export const envArb: fc.Arbitrary<WireEnvironmentVariable[]> = fc
  .uniqueArray(envNameArb, { maxLength: 6 })
  .chain((names) => fc.tuple(...names.map(envEntryArb)))
  .map((entries) => [...entries]);

const commandArb = fc.option(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), { nil: undefined });

const containerArb = (name: string, init: boolean): fc.Arbitrary<WireContainer> =>
  fc.record({ env: fc.option(envArb, { nil: undefined }), command: commandArb, extra: unknownPropsArb, image: identifierArb }).map(
    ({ env, command, extra, image }) =>
      ({
        name,
        properties: {
          ...extra,
          image: `example/${image}:1`,
          ...(command ? { command } : {}),
          ...(env ? { environmentVariables: env } : {}),
          ...(init ? {} : { resources: { requests: { cpu: 1, memoryInGB: 1.5 } } }),
        },
      }) satisfies WireContainer,
  );

const registryArb = (server: string): fc.Arbitrary<WireImageRegistryCredential> =>
  fc.oneof(
    fc.record({ username: identifierArb, password: secretValueArb }).map((c) => ({ server, ...c })),
    fc.constant({ server, identity: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pull" }),
  );

const volumeArb = (name: string): fc.Arbitrary<WireVolume> =>
  fc.oneof(
    fc.record({ key: secretValueArb, readOnly: fc.boolean() }).map(({ key, readOnly }) => ({
      name,
      azureFile: { shareName: "share", storageAccountName: "account", storageAccountKey: key, readOnly },
    })),
    fc.constant({ name, emptyDir: {} }),
    fc.dictionary(fc.stringMatching(/^[a-z]{1,6}(\.txt)?$/), base64Arb, { minKeys: 1, maxKeys: 3 }).map((secret) => ({ name, secret })),
    fc.constant({ name, gitRepo: { repository: "https://example.com/repo.git", directory: "." } }),
  );

const extensionArb = (name: string): fc.Arbitrary<WireExtension> =>
  fc
    .record({
      settings: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 6 }), { maxKeys: 2 }), { nil: undefined }),
      protectedSettings: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), secretValueArb, { minKeys: 1, maxKeys: 2 }), { nil: undefined }),
    })
    .map(({ settings, protectedSettings }) => ({
      name,
      properties: { extensionType: name, version: "1.0", ...(settings ? { settings } : {}), ...(protectedSettings ? { protectedSettings } : {}) },
    }));

const logAnalyticsArb = fc.record(
  {
    workspaceId: identifierArb,
    workspaceKey: secretValueArb,
    logType: fc.constantFrom("ContainerInsights", "ContainerInstanceLogs"),
    metadata: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
    workspaceResourceId: fc.constant("/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w"),
  },
  { requiredKeys: ["workspaceId", "workspaceKey"] },
);

const identityArb = fc.oneof(
  fc.constant({ type: "SystemAssigned" }),
  fc.constant({
    type: "SystemAssigned, UserAssigned",
    userAssignedIdentities: { "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/job": {} },
  }),
);

/** Non-trigger tags; a few groups come close to ARM's limit of 50. */
export const tagsArb = fc.option(
  fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/).filter((n) => !n.startsWith("trigger-")), fc.string({ maxLength: 20 }), { maxKeys: 8 }),
  { nil: undefined },
);

const uniqueNames = (prefix: string, min: number, max: number) =>
  fc.integer({ min, max }).map((n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`));

const listOf = <T>(names: string[], arb: (name: string) => fc.Arbitrary<T>): fc.Arbitrary<T[]> =>
  fc.tuple(...names.map(arb)).map((items) => [...items]);

/** A complete container group definition, as sent by the operator: every secret has its value. */
export const definitionArb: fc.Arbitrary<WireContainerGroup> = fc
  .record({
    containerNames: uniqueNames("app", 1, 3),
    initNames: fc.option(uniqueNames("init", 0, 2), { nil: undefined }),
    registryNames: uniqueNames("registry", 0, 2),
    volumeNames: uniqueNames("volume", 0, 4),
    extensionNames: uniqueNames("ext", 0, 2),
  })
  .chain(({ containerNames, initNames, registryNames, volumeNames, extensionNames }) =>
    fc.record(
      {
        containers: listOf(containerNames, (n) => containerArb(n, false)),
        initContainers: initNames === undefined ? fc.constant(undefined) : listOf(initNames, (n) => containerArb(n, true)),
        registries: listOf(registryNames.map((n) => `${n}.example.io`), registryArb),
        volumes: listOf(volumeNames, volumeArb),
        extensions: listOf(extensionNames, extensionArb),
        logAnalytics: fc.option(logAnalyticsArb, { nil: undefined }),
        identity: fc.option(identityArb, { nil: undefined }),
        tags: tagsArb,
        zones: fc.option(fc.constant(["1"]), { nil: undefined }),
        restartPolicy: fc.constantFrom("Always" as const, "OnFailure" as const, "Never" as const),
        ipAddress: fc.option(fc.constant({ type: "Public", ports: [{ port: 80, protocol: "TCP" }], dnsNameLabel: "job" }), { nil: undefined }),
        extraGroup: unknownPropsArb,
        extraProperties: unknownPropsArb,
      }),
  )
  .map((g) => {
    const properties: WireContainerGroup["properties"] = {
      ...g.extraProperties,
      osType: "Linux",
      containers: g.containers,
      ...(g.initContainers ? { initContainers: g.initContainers } : {}),
      ...(g.registries.length > 0 ? { imageRegistryCredentials: g.registries } : {}),
      restartPolicy: g.restartPolicy,
      ...(g.volumes.length > 0 ? { volumes: g.volumes } : {}),
      ...(g.extensions.length > 0 ? { extensions: g.extensions } : {}),
      ...(g.logAnalytics ? { diagnostics: { logAnalytics: g.logAnalytics } } : {}),
      ...(g.ipAddress ? { ipAddress: g.ipAddress } : {}),
      dnsConfig: { nameServers: ["1.1.1.1"] },
      sku: "Standard",
    };
    // A copy, so that no generated dictionary keeps a null prototype.
    return structuredClone({
      ...g.extraGroup,
      location: "westeurope",
      ...(g.zones ? { zones: g.zones } : {}),
      ...(g.tags ? { tags: g.tags } : {}),
      ...(g.identity ? { identity: structuredClone(g.identity) } : {}),
      properties,
    }) as WireContainerGroup;
  });

/** A deployed group and the ACI_SECRETS that restores it. */
export const deploymentArb = definitionArb.map((definition) => ({ definition, secrets: secretsOf(definition) }));

export const runRequestArb: fc.Arbitrary<RunRequest> = fc.record(
  {
    env: fc.dictionary(envNameArb, valueArb, { maxKeys: 5 }).map((env) => ({ ...env })),
    command: fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ["env"], noNullPrototype: true },
);

export const runIdArb = fc.uuid();

export const readOnlyValuesArb: fc.Arbitrary<ReadOnlyValues> = fc.record({
  provisioningState: fc.constantFrom("Succeeded", "Failed", "Pending"),
  groupState: fc.constantFrom("Succeeded", "Running", "Stopped", "Failed"),
  containerState: fc.constantFrom("Terminated", "Running", "Waiting"),
  principalId: fc.uuid(),
});
