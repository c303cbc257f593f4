import type { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import { launcherCommand } from "../../aci/config-map.js";
import type { Emulator } from "../../emulator/index.js";
import { afterAll, beforeAll } from "vitest";
import { groupPath, rawArm, startTestEmulator, testResourceGroup, testSubscriptionId, type ManualClock } from "./emulator.js";
import { triggerEnv } from "./trigger-env.js";

/**
 * Plain-REST access to the emulator's standby feature, through the SDK client's pipeline (bearer
 * token, retries) as `rawArm` does: no npm SDK speaks these api-versions.
 */
export const aciVersion = "2025-09-01";
export const previewVersion = "2024-05-01-preview";
export const poolVersion = "2025-03-01";

const base = `/subscriptions/${testSubscriptionId}/resourceGroups/${testResourceGroup}/providers`;

export function profileId(name: string): string {
  return `${base}/Microsoft.ContainerInstance/containerGroupProfiles/${name}`;
}

export function poolId(name: string): string {
  return `${base}/Microsoft.StandbyPool/standbyContainerGroupPools/${name}`;
}

export type Call = (method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown) => ReturnType<typeof rawArm>;

/**
 * Pools for a test file on a manual clock: `readyPool` PUTs a pool of `capacity` for `profile`
 * and moves the clock past the refill delay, so its instances are ready; `runtimeCounts` reads
 * `[running, creating]` from its runtime view.
 */
export function poolSteps(call: Call, clock: ManualClock, refillMs: number) {
  return {
    async readyPool(pool: string, profile: string, capacity = 2, revision?: number): Promise<void> {
      await call("PUT", `${poolId(pool)}?api-version=${poolVersion}`, poolBody(profile, { maxReadyCapacity: capacity, ...(revision === undefined ? {} : { revision }) }));
      clock.advance(refillMs);
    },
    async runtimeCounts(pool: string): Promise<[number, number]> {
      const view = (await call("GET", `${poolId(pool)}/runtimeViews/latest?api-version=${poolVersion}`)).body;
      return [countOf(view, "running"), countOf(view, "creating")];
    },
  };
}

/** `call(method, pathWithQuery, body?)` against the emulator; `link(url)` follows an absolute link it handed out. */
export function standbyCalls(arm: { readonly client: ContainerInstanceManagementClient; readonly emulator: Emulator }): { call: Call; link: (url: string | undefined) => ReturnType<typeof rawArm> } {
  const call: Call = (method, path, body) => rawArm(arm.client, arm.emulator, method, path, body);
  const link = (url: string | undefined) => {
    const parsed = new URL(url ?? "missing:");
    return call("GET", parsed.pathname + parsed.search);
  };
  return { call, link };
}

/** A profile whose container `job` runs the job through the launcher, with a plain and a secure env var. */
export function profileBody(options: { command?: string[]; restartPolicy?: string; configMap?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    location: "westeurope",
    properties: {
      osType: "Linux",
      restartPolicy: options.restartPolicy ?? "Never",
      containers: [
        {
          name: "job",
          properties: {
            image: "registry.example/job:1",
            command: options.command ?? [...launcherCommand, "node", "job.js"],
            environmentVariables: [
              { name: "JOB_MODE", value: "standby" },
              { name: "API_TOKEN", secureValue: "profile-secret" },
            ],
            resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
            ...(options.configMap ? { configMap: { keyValuePairs: options.configMap } } : {}),
          },
        },
      ],
    },
  };
}

export function poolBody(profile: string, options: { maxReadyCapacity?: number; revision?: number } = {}): Record<string, unknown> {
  return {
    location: "westeurope",
    properties: {
      elasticityProfile: { maxReadyCapacity: options.maxReadyCapacity ?? 1, refillPolicy: "always" },
      containerGroupProperties: { containerGroupProfile: { id: profileId(profile), ...(options.revision === undefined ? {} : { revision: options.revision }) } },
    },
  };
}

/** A claim as the spec's example sends it: only config maps, the profile and the pool. */
export function claimBody(profile: string, pool: string, options: { revision?: number; container?: string; pairs?: Record<string, string>; fail?: boolean } = {}): Record<string, unknown> {
  return {
    location: "westeurope",
    tags: {},
    properties: {
      containers: [{ name: options.container ?? "job", properties: { configMap: { keyValuePairs: options.pairs ?? {} } } }],
      containerGroupProfile: { id: profileId(profile), revision: options.revision ?? 1 },
      standbyPoolProfile: { id: poolId(pool), failContainerGroupCreateOnReuseFailure: options.fail ?? false },
    },
  };
}

export function groupAt(name: string, version = aciVersion, suffix = ""): string {
  return `${groupPath(name, suffix)}?api-version=${version}`;
}

/** The runtime view's count of pool instances in `state` (matched ignoring case, as the facts advise). */
export function countOf(view: { properties: { instanceCountSummary: Array<{ instanceCountsByState: Array<{ state: string; count: number }> }> } }, state: string): number {
  return view.properties.instanceCountSummary.flatMap((s) => s.instanceCountsByState).filter((c) => c.state.toLowerCase() === state.toLowerCase()).reduce((sum, c) => sum + c.count, 0);
}

/** A refill longer than any test file: the pool's first instances are the only ones it gets. */
const standbyRefillMs = 3_600_000;

/** The path of a run's own group (`run-<run id>-<attempt>`), the group named in match 1. */
export const runGroupPath = /\/containerGroups\/(run-[0-9a-f-]+-\d+)$/;

/**
 * An emulator holding the profile `worker` (revision 1) and its pool `worker-pool` with `ready`
 * instances, all of them ready at once: its clock is moved past the refill before any token is
 * issued, so no cached token expires on it.
 */
export async function startStandbyEmulator(ready: number): Promise<Emulator> {
  let offset = 0;
  const emulator = await startTestEmulator({ clock: () => Date.now() + offset, standby: { claimMs: 50, coldCreateMs: 300, refillMs: standbyRefillMs } });
  emulator.standby.putProfile(testSubscriptionId, testResourceGroup, "worker", profileBody());
  emulator.standby.putPool(testSubscriptionId, testResourceGroup, "worker-pool", poolBody("worker", { maxReadyCapacity: ready }));
  offset += standbyRefillMs;
  return emulator;
}

/** A service's env in standby mode on that emulator's profile and pool, plus `overrides`. */
export function standbyTriggerEnv(emulator: Emulator, apiKey: string, overrides: Record<string, string> = {}): Record<string, string> {
  return triggerEnv(emulator, "", {
    TRIGGER_API_KEYS: apiKey,
    TRIGGER_DISPATCH_MODE: "standby",
    ACI_LOCATION: "westeurope",
    ACI_CONTAINER_GROUP_PROFILE: profileId("worker"),
    ACI_CONTAINER_GROUP_PROFILE_REVISION: "1",
    ACI_STANDBY_POOL: poolId("worker-pool"),
    ...overrides,
  });
}

/**
 * `startStandbyEmulator(ready)` for a test file, as `useArmEmulator` is: started before its tests,
 * closed after them; `hasGroup` says whether a group exists in the test resource group.
 */
export function useStandbyEmulator(ready: number): { readonly emulator: Emulator; hasGroup(name: string): boolean } {
  let started: Emulator | undefined;
  beforeAll(async () => {
    started = await startStandbyEmulator(ready);
  });
  afterAll(() => started?.close());
  const get = () => {
    if (!started) throw new Error("useStandbyEmulator: read it inside a test or hook, after beforeAll");
    return started;
  };
  return {
    get emulator() {
      return get();
    },
    hasGroup: (name) => get().getStoredGroup(testSubscriptionId, testResourceGroup, name) !== undefined,
  };
}
