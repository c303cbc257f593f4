import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { inSubscription, loadCassettes, recordedBody, replayCassette, type Cassette, type CassetteReplay, type Interaction } from "../helpers/cassette-replay.js";
import { useArmEmulator } from "../helpers/emulator.js";
import type { ReplayDifference } from "../helpers/recording-replay.js";
import { poolVersion, previewVersion, standbyCalls } from "../helpers/standby.js";
import { isUnder, type WireDifference } from "../helpers/wire-diff.js";

// Azure CLI's recorded claims and profile sessions (test/fixtures/standby/recordings/, each naming
// its source and commit), replayed against the emulator as recorded: same paths, api-versions and
// bodies, each cassette in a subscription of its own. A pool instance is ready at once here.
const arm = useArmEmulator({ standby: { claimMs: 0, coldCreateMs: 1_000, refillMs: 0 } });
const { call } = standbyCalls(arm);
const cassettes = loadCassettes(fileURLToPath(new URL("../fixtures/standby/recordings/", import.meta.url))).map((cassette, index) =>
  inSubscription(cassette, `00000000-0000-0000-0000-0000000005${String(index).padStart(2, "0")}`),
);

interface KnownDifference {
  path: string;
  kinds?: WireDifference["kind"][];
  reason: string;
}

/** Every way the emulator still answers differently from the recordings, and why it stays. */
const knownDifferences: KnownDifference[] = [
  {
    path: "properties.containers[].properties.instanceView.events",
    reason: "A claimed group keeps its pool history (pulls by digest, failed pulls, restarts hours before the claim); the emulator's group starts at the claim.",
  },
  {
    path: "properties.containers[].properties.instanceView.currentState.startTime",
    kinds: ["value"],
    reason: "The pooled container started long before the claim; the emulator starts it at the claim, when the launcher execs the job.",
  },
  { path: "properties.ipAddress.ip", kinds: ["value"], reason: "The address is the real one ARM assigned; the emulator makes one up." },
  { path: "startTime", kinds: ["value"], reason: "The operation's start is the time of the recorded claim." },
];

function isKnown(difference: ReplayDifference): boolean {
  return knownDifferences.some((k) => (!k.kinds || k.kinds.includes(difference.kind)) && isUnder(difference.path, k.path));
}

/** The claim a cassette makes, if any: the group PUT naming a profile. */
function claimOf(cassette: Cassette): Interaction | undefined {
  return cassette.interactions.find((i) => i.request.method === "PUT" && i.request.body?.includes('"containerGroupProfile"'));
}

/**
 * What a claim recording assumed to exist: the profile (the claimed group's containers, IP, OS
 * and registry credentials as ARM answered them, without what ARM adds) and a pool of one.
 */
async function arrangeClaim(claim: Interaction): Promise<void> {
  const request = JSON.parse(claim.request.body ?? "{}") as { location: string; properties: { containerGroupProfile: { id: string }; standbyPoolProfile: { id: string } } };
  const answer = recordedBody(claim) as { location: string; properties: Record<string, any> };
  const { containers, ipAddress, osType, imageRegistryCredentials, initContainers } = answer.properties;
  const profile = {
    location: answer.location,
    properties: {
      containers: containers.map((c: { name: string; properties: Record<string, unknown> }) => {
        const { instanceView: _, ...rest } = c.properties;
        return { name: c.name, properties: rest };
      }),
      osType,
      initContainers,
      ...(imageRegistryCredentials ? { imageRegistryCredentials } : {}),
      ...(ipAddress ? { ipAddress: { ports: ipAddress.ports, type: ipAddress.type } } : {}),
    },
  };
  const profileId = request.properties.containerGroupProfile.id;
  const pool = { location: request.location, properties: { elasticityProfile: { maxReadyCapacity: 1, refillPolicy: "always" }, containerGroupProperties: { containerGroupProfile: { id: profileId, revision: 1 } } } };
  for (const [path, version, body] of [[profileId, previewVersion, profile], [request.properties.standbyPoolProfile.id, poolVersion, pool]] as const) {
    const put = await call("PUT", `${path}?api-version=${version}`, body);
    if (put.status >= 300) throw new Error(`arranging ${path}: ${put.status} ${JSON.stringify(put.body)}`);
  }
}

const results = new Map<string, CassetteReplay>();

beforeAll(async () => {
  for (const cassette of cassettes) {
    const claim = claimOf(cassette);
    if (claim) await arrangeClaim(claim);
    results.set(cassette.name, await replayCassette(cassette, call));
  }
});

describe("Azure CLI's recorded standby traffic, replayed against the emulator", () => {
  it("has recordings of claims from a pool (plain, VNet, no IP) and of a profile's revisions", () => {
    expect(cassettes.filter((c) => claimOf(c)).map((c) => c.name)).toEqual(["cli-claim-from-pool-outbound", "cli-claim-from-pool-vnet", "cli-claim-from-pool"]);
    const requests = cassettes.flatMap((c) => c.interactions.map((i) => `${i.request.method} ${new URL(i.request.uri).pathname.replace(/^.*\/providers\//, "")}`));
    expect(requests).toContain("GET Microsoft.ContainerInstance/containerGroupProfiles/clicgp000002/revisions/2");
  });

  it.each(cassettes.map((c) => c.name))("derives %s from a named Azure CLI recording at a known commit", (name) => {
    const { source, about } = cassettes.find((c) => c.name === name) as Cassette;
    expect(source.repo).toBe("Azure/azure-cli");
    expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(about.length).toBeGreaterThan(0);
  });

  it.each(cassettes.map((c) => c.name))("answers every ACI request of %s as ARM did, apart from the named differences", (name) => {
    const result = results.get(name) as CassetteReplay;
    expect(result.replayed.length).toBeGreaterThan(0);
    expect(result.skipped.every((s) => !/containerinstance|standbypool/i.test(s))).toBe(true);
    expect(result.differences.filter((d) => !isKnown(d))).toEqual([]);
  });

  it("names no difference that no recording shows", () => {
    const all = [...results.values()].flatMap((r) => r.differences);
    expect(knownDifferences.filter((k) => !all.some((d) => (!k.kinds || k.kinds.includes(d.kind)) && isUnder(d.path, k.path)))).toEqual([]);
  });

  it("reports an answer that departs from the recording", async () => {
    const original = cassettes.find((c) => c.name === "cli-profile-update") as Cassette;
    const altered = inSubscription(original, "00000000-0000-0000-0000-0000000005ff");
    const second = altered.interactions.filter((i) => i.request.method === "PUT")[1] as Interaction;
    second.response.body.string = second.response.body.string.replace('"revision":2', '"revision":3');
    const result = await replayCassette(altered, call);
    expect(result.differences.map((d) => `${d.path} ${d.kind}`)).toEqual(["properties.revision value"]);
  });
});
