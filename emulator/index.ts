import { configMapFiles } from "./config-map-files.js";
import { EntraTenant, type EntraOptions } from "./entra.js";
import { FaultList, type Fault } from "./faults.js";
import { randomIdentityHeader, TokenIssuer } from "./identity.js";
import { planRun, type Timings } from "./lifecycle.js";
import { stripReadOnly } from "./read-only.js";
import { identityPath, listen, type RecordedRequest } from "./server.js";
import { parseStandbyPath } from "./standby-paths.js";
import { handleStandby } from "./standby-routes.js";
import { defaultStandbyTimings, StandbyState, type StandbyTimings } from "./standby-state.js";
import { GroupStore } from "./store.js";
import { generateTlsMaterial } from "./tls.js";
import { validateGroup } from "./validation.js";
import { clone, isObject } from "./wire.js";

export { demoGroup } from "./demo-group.js";
export { defaultEntraApi, defaultEntraTenantId, EntraTenant, type EntraClient, type EntraOptions, type SignOptions } from "./entra.js";
export { generateTlsMaterial, trustCertificate, type TlsMaterial } from "./tls.js";
export type { Fault } from "./faults.js";
export type { RecordedRequest } from "./server.js";
export { defaultStandbyTimings, type StandbyTimings } from "./standby-state.js";
export { claimRefusedMessage } from "./claim-body.js";

export interface EmulatorOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** PEM; default: a freshly generated self-signed certificate for 127.0.0.1 and localhost. */
  tls?: { cert: string; key: string; ca?: string };
  /** Defaults 50 / 50 / 300 ms: short, yet long enough to watch each state. */
  timings?: Partial<Timings>;
  /** Exit code of every container that does not set EMULATOR_EXIT_CODE; default 0. */
  exitCode?: number;
  /** The secret of the identity endpoint; default random. */
  identityHeader?: string;
  /** Default "westeurope". */
  location?: string;
  /** When set, the identity endpoint issues tokens only to this client id. */
  requiredClientId?: string;
  /** Lifetime of issued tokens; default 3600. 0 issues tokens that are already expired. */
  tokenLifetimeSeconds?: number;
  /**
   * Milliseconds since the epoch that every request (and `putGroup`) is handled at; default
   * `Date.now`. A test holds a phase, or moves to the next one, by choosing what it returns.
   */
  clock?: () => number;
  /** The emulated Entra ID tenant (see `Emulator.entra`). */
  entra?: EntraOptions;
  /** Claim, cold-create and refill times of the standby feature; defaults 4 s / 17 s / 17 s, as recorded. */
  standby?: Partial<StandbyTimings>;
}

/** The standby feature's controls: its timings, and seeds that PUT as a client would. */
export interface StandbyControls {
  /** Changes the claim, cold-create or refill time from the next request on. */
  setTimings(timings: Partial<StandbyTimings>): void;
  /** PUTs a container group profile (wire body); returns its revision. Throws on a body ARM would refuse. */
  putProfile(subscriptionId: string, resourceGroup: string, name: string, body: unknown): number;
  /** PUTs a standby container group pool (wire body); its instances are ready `refillMs` later. Throws on a refused body. */
  putPool(subscriptionId: string, resourceGroup: string, name: string, body: unknown): void;
  /** The files a group's config maps appear as inside its containers (`/mnt/configmap/<container>/<key>` → value); undefined when absent. */
  configMapFiles(subscriptionId: string, resourceGroup: string, name: string): Record<string, string> | undefined;
}

export interface SeedOptions {
  /** Seed the group with its run already over (provisioned, containers exited). */
  terminated?: boolean;
}

export interface Emulator {
  /** https://127.0.0.1:PORT, the ARM endpoint base. */
  url: string;
  /** https://127.0.0.1:PORT/msi/token, for IDENTITY_ENDPOINT. */
  identityEndpoint: string;
  /** For IDENTITY_HEADER. */
  identityHeader: string;
  /** The PEM clients must trust. */
  caCertPem: string;
  /** ARM requests only, in arrival order. */
  requests: RecordedRequest[];
  tokenRequests: RecordedRequest[];
  /** The Entra ID tenant served under `/{tenantId}/`, with `url` as its authority. */
  entra: EntraTenant;
  /** Requests to the Entra ID endpoints (client secrets redacted). */
  entraRequests: RecordedRequest[];
  clearRequests(): void;
  faults: { add(fault: Fault): void; clear(): void };
  /** Stores a group as if a PUT had created it (secrets kept server-side) and starts its run. Throws on a body ARM would refuse. */
  putGroup(subscriptionId: string, resourceGroup: string, name: string, body: unknown, options?: SeedOptions): void;
  /** The stored definition including secrets, as last PUT; undefined when absent. */
  getStoredGroup(subscriptionId: string, resourceGroup: string, name: string): unknown | undefined;
  standby: StandbyControls;
  close(): Promise<void>;
}

export const defaultTimings: Timings = { pendingMs: 50, creatingMs: 50, runMs: 300 };

/** Starts the ARM + managed-identity emulator over HTTPS on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const tls = options.tls ?? generateTlsMaterial();
  const timings: Timings = { ...defaultTimings, ...options.timings };
  const exitCode = options.exitCode ?? 0;
  const identityHeader = options.identityHeader ?? randomIdentityHeader();
  const location = options.location ?? "westeurope";
  const store = new GroupStore();
  const standby = new StandbyState({ ...defaultStandbyTimings, ...options.standby });
  const faults = new FaultList();
  const requests: RecordedRequest[] = [];
  const tokenRequests: RecordedRequest[] = [];
  const entraRequests: RecordedRequest[] = [];
  const context = { store, timings, exitCode, baseUrl: "" };
  const tokens = new TokenIssuer({
    header: identityHeader,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    ...(options.requiredClientId === undefined ? {} : { requiredClientId: options.requiredClientId }),
  });
  const clock = options.clock ?? Date.now;
  const entra = new EntraTenant(options.entra ?? {}, () => context.baseUrl);
  const { server, port } = await listen({ tls, port: options.port ?? 0, host: "127.0.0.1", location, context, standby, tokens, entra, faults, requests, tokenRequests, entraRequests, clock });
  const url = `https://127.0.0.1:${port}`;
  context.baseUrl = url;

  const seed = (pathname: string, body: unknown): unknown => {
    const path = parseStandbyPath(pathname);
    const reply = path && handleStandby(standby, context, path, { method: "PUT", body, now: clock(), baseUrl: url });
    if (!reply || reply.status >= 300) throw new Error(`seed ${pathname}: ${JSON.stringify(reply?.body)}`);
    return reply.body;
  };

  return {
    url,
    identityEndpoint: `${url}${identityPath}`,
    identityHeader,
    caCertPem: tls.ca ?? tls.cert,
    requests,
    tokenRequests,
    entra,
    entraRequests,
    clearRequests() {
      requests.length = 0;
      tokenRequests.length = 0;
      entraRequests.length = 0;
    },
    faults: { add: (fault) => faults.add(fault), clear: () => faults.clear() },
    putGroup(subscriptionId, resourceGroup, name, body, seed = {}) {
      const invalid = validateGroup(body, name);
      if (invalid || !isObject(body)) throw new Error(`putGroup: ${JSON.stringify(invalid?.body)}`);
      const stored = stripReadOnly(body);
      const existing = store.get(subscriptionId, resourceGroup, name);
      const now = clock();
      let run = planRun(stored, timings, exitCode, now, existing?.run);
      if (seed.terminated) {
        const longest = Math.max(0, ...run.containers.map((c) => c.runMs));
        run = planRun(stored, timings, exitCode, now - timings.pendingMs - timings.creatingMs - longest - 1);
      }
      store.set({ subscriptionId, resourceGroup, name, body: stored, run });
    },
    getStoredGroup(subscriptionId, resourceGroup, name) {
      const group = store.get(subscriptionId, resourceGroup, name);
      return group ? clone(group.body) : undefined;
    },
    standby: {
      setTimings: (changed) => Object.assign(standby.timings, changed),
      putProfile(subscriptionId, resourceGroup, name, body) {
        const reply = seed(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerInstance/containerGroupProfiles/${name}`, body);
        return Number((reply as { properties: { revision: number } }).properties.revision);
      },
      putPool(subscriptionId, resourceGroup, name, body) {
        seed(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.StandbyPool/standbyContainerGroupPools/${name}`, body);
      },
      configMapFiles(subscriptionId, resourceGroup, name) {
        const group = store.get(subscriptionId, resourceGroup, name);
        return group ? configMapFiles(group.body) : undefined;
      },
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
