import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aciNamePattern } from "../../aci/resource-name.js";
import { carriesRun, runIdTagName } from "../../service/core/carried-run.js";
import type { WireContainerGroup } from "../../service/core/arm-types.js";
import { observeRun } from "../../service/core/observe-run.js";
import { newRunId } from "../../service/core/run-id.js";
import type { RunRecord } from "../../service/core/run.js";
import { claimBody, secureNamesOf, standbyGroupName } from "../../service/core/standby-claim.js";

const runId = "0193a5c0-1234-7abc-8def-0123456789ab";
const target = {
  location: "westeurope",
  profile: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroupProfiles/worker", revision: 4 },
  pool: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.StandbyPool/standbyContainerGroupPools/worker-pool",
};

describe("claimBody", () => {
  it("is the spec's claim: the profile, the pool, location, the run's tag and the profile container's config map, nothing else", () => {
    const result = claimBody({ runId, attempt: 2, request: { env: { B: "2", A: "1 2\n3" } }, target, container: "job", secureNames: new Set() });
    expect(result).toStrictEqual({
      ok: true,
      body: {
        location: "westeurope",
        tags: { [runIdTagName]: runId },
        properties: {
          containers: [{ name: "job", properties: { configMap: { keyValuePairs: { B: "2", A: "1 2\n3", TRIGGER_RUN_ID: runId, TRIGGER_ATTEMPT: "2" } } } }],
          containerGroupProfile: target.profile,
          standbyPoolProfile: { id: target.pool, failContainerGroupCreateOnReuseFailure: false },
        },
      },
    });
  });

  it("refuses every secret name, sorted, rather than send it in plain text", () => {
    const secureNames = secureNamesOf(
      { name: "job", properties: { image: "i", environmentVariables: [{ name: "WITHHELD" }, { name: "PLAIN", value: "p" }, { name: "GIVEN", secureValue: "s" }] } },
      { CONFIGURED: "c" },
    );
    expect([...secureNames].sort()).toStrictEqual(["CONFIGURED", "GIVEN", "WITHHELD"]);
    const env = { WITHHELD: "1", PLAIN: "2", CONFIGURED: "3", GIVEN: "4" };
    expect(claimBody({ runId, attempt: 1, request: { env }, target, container: "job", secureNames })).toStrictEqual({
      ok: false,
      code: "SecureVariableOverride",
      names: ["CONFIGURED", "GIVEN", "WITHHELD"],
    });
  });

  it("makes a group the read-back recognises as the run's attempt, and only that attempt", () => {
    const result = claimBody({ runId, attempt: 3, request: { env: {} }, target, container: "job", secureNames: new Set() });
    if (!result.ok) throw new Error("refused");
    // ARM answers with the profile's container, the claim's map on it, and the tag.
    const answered = { tags: result.body.tags, properties: { osType: "Linux", containers: [{ name: "job", properties: { image: "i", ...result.body.properties.containers[0]!.properties } }] } } as WireContainerGroup;
    expect(carriesRun(answered, { id: runId, attempt: 3 }, "job")).toBe(true);
    expect(carriesRun(answered, { id: runId, attempt: 2 }, "job")).toBe(false);
  });
});

describe("standbyGroupName", () => {
  it("is a valid ACI name for any run id and attempt, and differs per attempt", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(2 ** 47), noInvalidDate: true }), fc.integer({ min: 1, max: 11 }), (at, attempt) => {
        const id = newRunId(at);
        expect(standbyGroupName(id, attempt)).toMatch(aciNamePattern);
        expect(standbyGroupName(id, attempt)).not.toBe(standbyGroupName(id, attempt + 1));
      }),
    );
  });
});

describe("observing a group made from a profile", () => {
  const claimedAt = "2026-12-04T10:00:00.000Z";
  const run: RunRecord = { id: runId, status: "starting", group: "g", env: {}, createdAt: claimedAt, requestHash: "a".repeat(64), seq: 1, claimedAt };
  const group = (fromPool: boolean, startTime: string): WireContainerGroup => ({
    tags: { [runIdTagName]: runId },
    properties: {
      osType: "Linux",
      restartPolicy: "Never",
      provisioningState: "Succeeded",
      containerGroupProfile: { id: target.profile.id, revision: 4 },
      isCreatedFromStandbyPool: fromPool,
      instanceView: { state: "Running" },
      containers: [{ name: "job", properties: { image: "i", configMap: { keyValuePairs: { TRIGGER_RUN_ID: runId } }, instanceView: { currentState: { state: "Running", startTime } } } }],
    },
  });
  const context = { now: new Date("2026-12-04T10:00:05.000Z"), startDeadlineMs: 60_000 };

  it("records the start path and counts the run from its claim, not from the pooled container's start", () => {
    const patch = observeRun(run, group(true, "2026-12-04T07:52:52Z"), context);
    expect(patch).toMatchObject({ status: "running", startPath: "standby", startedAt: claimedAt });
    // The next read of the same container is no restart.
    expect(observeRun({ ...run, ...patch }, group(true, "2026-12-04T07:52:52Z"), context)).toBeUndefined();
    expect(observeRun(run, group(false, "2026-12-04T10:00:03Z"), context)).toMatchObject({ startPath: "cold", startedAt: "2026-12-04T10:00:03Z" });
  });
});
