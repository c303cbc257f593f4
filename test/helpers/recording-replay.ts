import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import type { Emulator } from "../../emulator/index.js";
import type { ManualClock } from "./emulator.js";
import { rawArm, testSubscriptionId } from "./emulator.js";
import { throughSdkModel, type SdkModelName } from "./sdk-serializer.js";
import { wireDifferences, type WireDifference } from "./wire-diff.js";

/** The headers that drive the SDK's pollers (core-lro): which of them an answer carries. */
export const pollerHeaders = ["azure-asyncoperation", "location", "retry-after"] as const;

/** How far into the run begun by the last PUT, restart or start a step was sent. */
export type Phase = "pending" | "creating" | "running";

/**
 * One request of a recording and ARM's answer to it. `target` names the resource the request
 * went to: `group` (and `group/<rest>`, e.g. `group/restart`, `group/containers/main/logs`),
 * `list` (the resource group's groups) or `operation` (the last Azure-AsyncOperation link
 * handed out). A `setup` step is sent but not compared: it builds what the recording assumed.
 */
export interface RecordedStep {
  phase: Phase;
  setup?: boolean;
  request: { method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE"; target: string; apiVersion?: string; body?: unknown };
  response?: { status: number; headers: Record<(typeof pollerHeaders)[number], boolean>; body?: unknown };
}

/** A fixture derived from one recorded session of real ARM traffic: where it came from, and its steps. */
export interface Recording {
  name: string;
  source: { repo: string; path: string; commit: string; recordedApiVersion: string; recordedOn: string };
  about: string;
  scrubbed: string;
  steps: RecordedStep[];
}

/** A way the emulator's answer to a step differed from ARM's: a body path, or `(status)`, `(header …)`, `(body)`. */
export interface ReplayDifference extends WireDifference {
  step: number;
}

/** What replaying one recording found: differences from ARM, and what the SDK's models lost of each answer. */
export interface ReplayResult {
  recording: Recording;
  differences: ReplayDifference[];
  sdkLosses: Array<{ step: number; model: SdkModelName; lost: WireDifference[] }>;
}

/** Every fixture in `dir` (`*.json`), named after its file. */
export function loadRecordings(dir: string): Recording[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ name: basename(file, ".json"), ...(JSON.parse(readFileSync(join(dir, file), "utf8")) as Omit<Recording, "name">) }));
}

/**
 * Sends a recording's requests to the emulator, with the host, subscription, resource group
 * (`resourceGroup`), group name (the recording's name) and api-version (2023-05-01, unless the
 * step names its own) rewritten, and holds each step's phase with the emulator's manual clock:
 * `timings` must be the emulator's. Compares each answer with ARM's: status, which poller headers
 * it carries, and the body (keys and values at every level; fixture placeholders match any string).
 */
export async function replay(
  recording: Recording,
  target: { client: ContainerInstanceManagementClient; emulator: Emulator; clock: ManualClock; timings: { pendingMs: number; creatingMs: number }; resourceGroup: string },
): Promise<ReplayResult> {
  const { client, emulator, clock, timings, resourceGroup } = target;
  const base = `/subscriptions/${testSubscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups`;
  const offsets: Record<Phase, number> = { pending: 0, creating: timings.pendingMs, running: timings.pendingMs + timings.creatingMs };
  const differences: ReplayDifference[] = [];
  const sdkLosses: ReplayResult["sdkLosses"] = [];
  let runStart = clock.now();
  let operation: string | undefined;

  for (const [index, step] of recording.steps.entries()) {
    const at = runStart + offsets[step.phase];
    if (at < clock.now()) throw new Error(`${recording.name} step ${index}: phase ${step.phase} lies in the past`);
    clock.advance(at - clock.now());
    const { method, apiVersion = "2023-05-01" } = step.request;
    const path = pathOf(step.request.target, base, recording.name, apiVersion, operation);
    const answer = await rawArm(client, emulator, method, path, step.request.body);

    const asyncOperation = answer.headers["azure-asyncoperation"];
    if (asyncOperation) operation = new URL(asyncOperation).pathname + new URL(asyncOperation).search;
    if (startsRun(step.request, answer.status)) runStart = clock.now();
    if (step.setup) {
      if (answer.status >= 300) throw new Error(`${recording.name} step ${index}: setup answered ${answer.status} ${JSON.stringify(answer.body)}`);
      continue;
    }
    const recorded = step.response;
    if (!recorded) throw new Error(`${recording.name} step ${index}: no recorded response`);
    const found: WireDifference[] = [];
    if (answer.status !== recorded.status) found.push({ path: "(status)", kind: "value", expected: recorded.status, actual: answer.status });
    for (const header of pollerHeaders) {
      const present = answer.headers[header] !== undefined;
      if (present !== recorded.headers[header]) found.push({ path: `(header ${header})`, kind: present ? "extra" : "missing" });
    }
    if (recorded.body === undefined) {
      if (answer.body !== undefined) found.push({ path: "(body)", kind: "extra", actual: answer.body });
    } else {
      found.push(...wireDifferences(recorded.body, answer.body));
    }
    differences.push(...found.map((d) => ({ ...d, step: index })));

    const model = modelOf(step.request, answer.status);
    if (model && answer.body !== undefined) sdkLosses.push({ step: index, model, lost: throughSdkModel(model, answer.body).lost });
  }
  return { recording, differences, sdkLosses };
}

function pathOf(target: string, base: string, name: string, apiVersion: string, operation: string | undefined): string {
  if (target === "operation") {
    if (!operation) throw new Error("no Azure-AsyncOperation link was handed out before this step");
    return operation;
  }
  if (target === "list") return `${base}?api-version=${apiVersion}`;
  if (target === "group" || target.startsWith("group/")) return `${base}/${name}${target.slice("group".length)}?api-version=${apiVersion}`;
  throw new Error(`unknown target ${target}`);
}

/** A PUT, a restart or a start that was accepted begins a new run (and its phases). */
function startsRun(request: RecordedStep["request"], status: number): boolean {
  if (request.method === "PUT" && request.target === "group") return status === 200 || status === 201;
  if (request.method === "POST" && request.target === "group/restart") return status === 204;
  return request.method === "POST" && request.target === "group/start" && status === 202;
}

/** The SDK model an answer deserializes into; the operation status has none (core-lro reads it raw). */
function modelOf(request: RecordedStep["request"], status: number): SdkModelName | undefined {
  if (status >= 400) return "CloudError";
  if (request.target === "list") return "ContainerGroupListResult";
  if (request.target.endsWith("/logs")) return "Logs";
  return request.target === "group" ? "ContainerGroup" : undefined;
}
