import { readFileSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { join } from "node:path";
import { ContainerInstanceManagementClient, type ContainerGroup } from "@azure/arm-containerinstance";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { ManagedIdentityCredential } from "@azure/identity";
import { generateTlsMaterial, startEmulator, trustCertificate, type Emulator, type EmulatorOptions, type TlsMaterial } from "../../emulator/index.js";

/** Fast lifecycle for tests: provisioned after 10 ms, containers run 40 ms. */
export const testTimings = { pendingMs: 5, creatingMs: 5, runMs: 40 };
export const testSubscriptionId = "00000000-0000-0000-0000-00000000a11c";
export const testResourceGroup = "rg-trigger-test";
export const testClientId = "11111111-2222-3333-4444-555555555555";
/** Pass to the SDK's begin...AndWait calls so polls do not wait the default 2 s. */
export const fastPolling = { updateIntervalInMs: 5 };

let shared: TlsMaterial | undefined;

/**
 * The TLS material of this test run: the certificate globalSetup wrote to EMULATOR_TLS_DIR (which
 * child processes trust through NODE_EXTRA_CA_CERTS), or a fresh one when run without it. Either
 * way it is also trusted in this process, so nothing depends on how vitest passes env to forks.
 */
export function testTls(): TlsMaterial {
  if (shared) return shared;
  const dir = process.env.EMULATOR_TLS_DIR;
  shared = dir
    ? { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8"), ca: readFileSync(join(dir, "cert.pem"), "utf8") }
    : generateTlsMaterial();
  trustCertificate(shared.ca);
  return shared;
}

/** An emulator on the run's shared certificate with fast timings; options override both. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ timings: testTimings, tls: testTls(), ...options });
}

/**
 * One emulator for the calling test file and the real SDK client against it (see `armClient`),
 * started before the file's tests and closed after them. Read `emulator` and `client` from the
 * returned object inside tests and hooks, once they have started.
 */
export function useArmEmulator(options: EmulatorOptions = {}): { readonly emulator: Emulator; readonly client: ContainerInstanceManagementClient } {
  let started: { emulator: Emulator; client: ContainerInstanceManagementClient } | undefined;
  beforeAll(async () => {
    const emulator = await startTestEmulator(options);
    started = { emulator, client: armClient(emulator).client };
  });
  afterAll(() => started?.emulator.close());
  const get = () => {
    if (!started) throw new Error("useArmEmulator: read it inside a test or hook, after beforeAll");
    return started;
  };
  return {
    get emulator() {
      return get().emulator;
    },
    get client() {
      return get().client;
    },
  };
}

/**
 * The real SDK client and the real ManagedIdentityCredential, pointed at the emulator.
 * The credential reads IDENTITY_ENDPOINT / IDENTITY_HEADER from process.env, and MSAL caches the
 * endpoint it found process-wide on the first token request: so use ONE emulator per test file
 * (vitest runs each file in its own fork) and call this after starting it.
 */
export function armClient(
  emulator: Emulator,
  options: { subscriptionId?: string; clientId?: string } = {},
): { client: ContainerInstanceManagementClient; credential: ManagedIdentityCredential } {
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  const credential = new ManagedIdentityCredential({ clientId: options.clientId ?? testClientId });
  const client = new ContainerInstanceManagementClient(credential, options.subscriptionId ?? testSubscriptionId, {
    endpoint: emulator.url,
    retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
  return { client, credential };
}

/** A minimal valid run-once group body (wire JSON) with one container and the given env. */
export function jobGroup(env: Array<{ name: string; value?: string; secureValue?: string }> = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    location: "westeurope",
    properties: {
      osType: "Linux",
      restartPolicy: "Never",
      containers: [
        {
          name: "job",
          properties: {
            image: "registry.example/job:1",
            command: ["node", "job.js"],
            environmentVariables: env,
            resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
          },
        },
      ],
      ...extra,
    },
  };
}

/**
 * The environment a separate process (the trigger service under test) needs to reach the emulator
 * and trust it: ARM endpoint, App Service managed-identity variables and the CA bundle written by
 * globalSetup. Pass it explicitly when spawning with a clean env.
 */
export function emulatorClientEnv(emulator: Emulator): Record<string, string> {
  const dir = process.env.EMULATOR_TLS_DIR;
  return {
    ARM_ENDPOINT: emulator.url,
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
    ...(dir ? { NODE_EXTRA_CA_CERTS: join(dir, "ca.pem") } : {}),
  };
}

/** The same group in the SDK's flattened model, for `client.containerGroups` calls. */
export function jobGroupModel(env: Array<{ name: string; value?: string; secureValue?: string }> = [], extra: Partial<ContainerGroup> = {}): ContainerGroup {
  return {
    location: "westeurope",
    osType: "Linux",
    restartPolicy: "Never",
    containers: [
      {
        name: "job",
        image: "registry.example/job:1",
        command: ["node", "job.js"],
        environmentVariables: env,
        resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
      },
    ],
    ...extra,
  };
}

/** The ARM path of a group in the test subscription and resource group. */
export function groupPath(name: string, suffix = ""): string {
  return `/subscriptions/${testSubscriptionId}/resourceGroups/${testResourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${name}${suffix}`;
}

/**
 * One raw request through the SDK client's own pipeline (bearer token, retries), for asserting the
 * wire JSON the SDK's models would reshape. `pathAndQuery` is appended to the emulator URL as is;
 * `body` is sent as JSON, or `{ rawText }` verbatim (to send malformed JSON).
 */
export async function rawArm(
  client: ContainerInstanceManagementClient,
  emulator: Emulator,
  method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE",
  pathAndQuery: string,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const request = createPipelineRequest({
    url: `${emulator.url}${pathAndQuery}`,
    method,
    headers: createHttpHeaders(body === undefined ? {} : { "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: isRawText(body) ? body.rawText : JSON.stringify(body) }),
  });
  const response = await client.sendRequest(request);
  return {
    status: response.status,
    headers: response.headers.toJSON(),
    body: response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined,
  };
}

function isRawText(body: unknown): body is { rawText: string } {
  return typeof body === "object" && body !== null && typeof (body as { rawText?: unknown }).rawText === "string";
}

/** A clock a test moves by hand (pass `now` as `EmulatorOptions.clock`): the lifecycle then advances only when told. */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

/** A `ManualClock` starting at `start` (default: the current time, so issued tokens are current too). */
export function manualClock(start = Date.now()): ManualClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/**
 * Polls `read` every 10 ms until `done` holds, and returns that value. The test decides on the
 * state; `timeoutMs` is only the point at which a state that never comes is reported, generous
 * enough for a loaded machine.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
