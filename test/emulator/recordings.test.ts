import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { manualClock, useArmEmulator } from "../helpers/emulator.js";
import { loadRecordings, replay, type Recording, type ReplayDifference, type ReplayResult } from "../helpers/recording-replay.js";
import { genericPath, isUnder, type WireDifference } from "../helpers/wire-diff.js";

// Real ARM traffic for container groups, recorded by Microsoft's CLI and SDK test suites, replayed
// against the emulator (fixtures and their sources: test/fixtures/recordings/). The manual clock
// holds each recorded phase exactly; a run lasts far longer than any replay.
const timings = { pendingMs: 1_000, creatingMs: 1_000, runMs: 600_000 };
const clock = manualClock();
const arm = useArmEmulator({ timings, clock: clock.now });
const recordings = loadRecordings(fileURLToPath(new URL("../fixtures/recordings/", import.meta.url)));

interface KnownDifference {
  /** A body path with `[]` for any index (matching everything under it), or `(status)`, `(header …)`, `(body)`. */
  path: string;
  kinds?: WireDifference["kind"][];
  /** Only in these recordings; default: in any. */
  recordings?: string[];
  reason: string;
}

/** Every way the emulator still answers differently from the recordings, and why it stays. */
const knownDifferences: KnownDifference[] = [
  {
    path: "properties.containers[].properties.instanceView.events",
    reason:
      "ARM's container events come from the real host: images named by digest, a Created event, events of earlier restarts and kills, " +
      "and sometimes no events key yet; the emulator lists only its own Pulling, Pulled and Started (or Failed) events.",
  },
  {
    path: "properties.events",
    reason: "The operation lists the events the real deployment has produced by then (none, or the pulls); the emulator lists its containers' synthetic events.",
  },
  { path: "content", kinds: ["value"], reason: "Logs are the real container's output; the emulator writes its own simulated lines." },
  {
    path: "error.message",
    kinds: ["value"],
    recordings: ["sdk-python-unserved-api-version"],
    reason: "ARM lists every api-version and region it serves; the emulator lists its one api-version and its own region.",
  },
  {
    path: "properties.containers[].properties.instanceView",
    recordings: ["powershell-restart-running"],
    reason:
      "While a restart reads Updating, ARM still shows the run being restarted (its container Running); the emulator shows the new run " +
      "at once (Waiting, the old run as previousState). The service never restarts a group.",
  },
  {
    path: "properties.instanceView.state",
    kinds: ["value"],
    recordings: ["powershell-restart-running"],
    reason: "The same: ARM's group still reads Running during the restart, the emulator's Pending.",
  },
  {
    path: "properties.provisioningTimeoutInSeconds",
    kinds: ["extra"],
    recordings: ["powershell-start-running"],
    reason: "Recorded at 2021-07-01, before ARM showed the provisioning timeout; every 2023-05-01 recording carries it.",
  },
  {
    path: "properties.isCustomProvisioningTimeout",
    kinds: ["extra"],
    recordings: ["powershell-start-running"],
    reason: "Recorded at 2021-07-01, before ARM showed the provisioning timeout; every 2023-05-01 recording carries it.",
  },
];

/** What `@azure/arm-containerinstance` 9.1.0's models do not carry of an emulator answer, and why. */
const knownSdkLosses: Array<{ path: string; reason: string }> = [
  { path: "properties.provisioningTimeoutInSeconds", reason: "Real ARM sends it, but the 2023-05-01 spec (and so the SDK model) does not list it." },
  { path: "properties.isCustomProvisioningTimeout", reason: "Real ARM sends it, but the 2023-05-01 spec (and so the SDK model) does not list it." },
  { path: "properties.isCreatedFromStandbyPool", reason: "Answered at 2024-05-01-preview, as recorded; the SDK models 2023-05-01, which has no standby pools." },
  { path: "properties.containers[].properties.configMap", reason: "Answered at 2024-05-01-preview, as recorded; the SDK models 2023-05-01, which has no config maps." },
];

/** A property of a group (or of each listed group) that the SDK model does not carry, and may not. */
function isKnownSdkLoss(difference: WireDifference): boolean {
  const path = genericPath(difference.path);
  return difference.kind === "missing" && knownSdkLosses.some((known) => path === known.path || path.endsWith(`].${known.path}`));
}

function explains(known: KnownDifference, recording: string, difference: ReplayDifference): boolean {
  if (known.recordings && !known.recordings.includes(recording)) return false;
  if (known.kinds && !known.kinds.includes(difference.kind)) return false;
  return isUnder(difference.path, known.path);
}

function unexplained(result: ReplayResult): ReplayDifference[] {
  return result.differences.filter((d) => !knownDifferences.some((k) => explains(k, result.recording.name, d)));
}

const results = new Map<string, ReplayResult>();
const target = () => ({ client: arm.client, emulator: arm.emulator, clock, timings });

beforeAll(async () => {
  for (const recording of recordings) results.set(recording.name, await replay(recording, { ...target(), resourceGroup: `rg-${recording.name}` }));
});

describe("recorded ARM traffic, replayed against the emulator", () => {
  it("has a recording for creating, reading, listing, logs, deleting, stopping, starting, restarting and an unserved api-version", () => {
    const requests = recordings.flatMap((r) => r.steps.filter((s) => !s.setup).map((s) => `${s.request.method} ${s.request.target}`));
    for (const request of ["PUT group", "GET operation", "GET group", "GET list", "GET group/containers/main/logs", "DELETE group", "POST group/stop", "POST group/start", "POST group/restart"]) {
      expect(requests).toContain(request);
    }
    expect(recordings.some((r) => r.steps.some((s) => s.request.apiVersion !== undefined && s.response?.status === 400))).toBe(true);
  });

  it.each(recordings.map((r) => r.name))("derives %s from a named public recording at a known commit", (name) => {
    const { source, about, scrubbed } = recordings.find((r) => r.name === name) as Recording;
    expect(source.repo).toMatch(/^Azure\//);
    expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect([source.path, source.recordedApiVersion, source.recordedOn, about, scrubbed].every((text) => text.length > 0)).toBe(true);
  });

  it.each(recordings.map((r) => r.name))("answers the requests of %s as ARM did, apart from the named differences", (name) => {
    expect(unexplained(results.get(name) as ReplayResult)).toEqual([]);
  });

  it("names no difference that no recording shows", () => {
    const unused = knownDifferences.filter((known) => ![...results.values()].some((r) => r.differences.some((d) => explains(known, r.recording.name, d))));
    expect(unused).toEqual([]);
  });

  it.each(recordings.map((r) => r.name))("hands every answer of %s to the SDK's models without loss beyond the properties the spec lacks", (name) => {
    const unexpected = (results.get(name) as ReplayResult).sdkLosses.flatMap((s) =>
      s.lost.filter((d) => !isKnownSdkLoss(d)).map((d) => `step ${s.step} ${s.model}: ${d.path} (${d.kind})`),
    );
    expect(unexpected).toEqual([]);
  });

  it("reports an answer that departs from the recording", async () => {
    const original = recordings.find((r) => r.name === "cli-create-minimal") as Recording;
    const altered: Recording = structuredClone({ ...original, name: "altered-minimal" });
    const put = altered.steps[0]?.response as { status: number; body: { properties: Record<string, unknown> } };
    put.status = 200;
    put.body.properties.restartPolicy = "Never";
    delete put.body.properties.initContainers;
    const result = await replay(altered, { ...target(), resourceGroup: "rg-altered" });
    expect(unexplained(result).filter((d) => d.step === 0).map((d) => `${d.path} ${d.kind}`)).toEqual([
      "(status) value",
      "properties.initContainers extra",
      "properties.restartPolicy value",
    ]);
  });
});
