import { beforeAll, describe, expect, it } from "vitest";
import { manualClock, useArmEmulator } from "../helpers/emulator.js";
import { aciVersion, countOf, poolBody, poolId, poolVersion, previewVersion, profileBody, profileId, standbyCalls } from "../helpers/standby.js";

const clock = manualClock();
const arm = useArmEmulator({ clock: clock.now, standby: { claimMs: 0, coldCreateMs: 2_000, refillMs: 1_000 } });
const { call, link } = standbyCalls(arm);

describe("container group profiles", () => {
  it("creates revision 1 with 201, keeps it for an unchanged PUT and makes revision 2 of a changed one, each readable", async () => {
    const path = `${profileId("revised")}?api-version=${aciVersion}`;
    const created = await call("PUT", path, profileBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: profileId("revised"), name: "revised", type: "Microsoft.ContainerInstance/containerGroupProfiles", properties: { revision: 1 } });
    expect(created.headers["azure-asyncoperation"]).toBeUndefined();
    const same = await call("PUT", path, profileBody());
    expect([same.status, same.body.properties.revision]).toEqual([200, 1]);
    const changed = await call("PUT", path, profileBody({ restartPolicy: "OnFailure" }));
    expect([changed.status, changed.body.properties.revision]).toEqual([200, 2]);

    expect((await call("GET", path)).body.properties).toMatchObject({ revision: 2, restartPolicy: "OnFailure" });
    const first = await call("GET", `${profileId("revised")}/revisions/1?api-version=${previewVersion}`);
    expect(first.body.properties).toMatchObject({ revision: 1, restartPolicy: "Never" });
    const all = await call("GET", `${profileId("revised")}/revisions?api-version=${aciVersion}`);
    expect(all.body.value.map((p: { properties: { revision: number } }) => p.properties.revision)).toEqual([1, 2]);
    expect((await call("GET", `${profileId("revised")}/revisions/3?api-version=${aciVersion}`)).status).toBe(404);
  });

  it("never shows a secure value of a profile", async () => {
    const created = await call("PUT", `${profileId("secret")}?api-version=${aciVersion}`, profileBody());
    expect(created.body.properties.containers[0].properties.environmentVariables).toEqual([{ name: "JOB_MODE", value: "standby" }, { name: "API_TOKEN" }]);
    expect(JSON.stringify((await call("GET", `${profileId("secret")}/revisions/1?api-version=${aciVersion}`)).body)).not.toContain("profile-secret");
  });

  it("refuses a profile without osType, and a profile at an api-version without profiles", async () => {
    const body = profileBody();
    delete (body.properties as Record<string, unknown>).osType;
    expect((await call("PUT", `${profileId("no-os")}?api-version=${aciVersion}`, body)).body.error.code).toBe("InvalidRequestContent");
    const old = await call("PUT", `${profileId("old")}?api-version=2023-05-01`, profileBody());
    expect([old.status, old.body.error.code, old.headers["x-ms-failure-cause"]]).toEqual([400, "NoRegisteredProviderFound", "gateway"]);
  });

  it("deletes a profile with 200 and no body, then answers 204 and 404", async () => {
    const path = `${profileId("gone")}?api-version=${aciVersion}`;
    await call("PUT", path, profileBody());
    const deleted = await call("DELETE", path);
    expect([deleted.status, deleted.body]).toEqual([200, undefined]);
    expect((await call("DELETE", path)).status).toBe(204);
    expect((await call("GET", path)).body.error.code).toBe("ResourceNotFound");
  });
});

describe("standby container group pools", () => {
  beforeAll(async () => {
    await call("PUT", `${profileId("pooled")}?api-version=${aciVersion}`, profileBody());
    await call("PUT", `${profileId("pooled")}?api-version=${aciVersion}`, profileBody({ restartPolicy: "OnFailure" }));
  });

  it("creates a pool as a long-running operation that has succeeded, with Azure-AsyncOperation and Retry-After", async () => {
    const put = await call("PUT", `${poolId("created")}?api-version=${poolVersion}`, poolBody("pooled"));
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id: poolId("created"), name: "created", type: "Microsoft.StandbyPool/standbyContainerGroupPools", properties: { provisioningState: "Succeeded" } });
    expect(put.headers["azure-asyncoperation"]).toMatch(new RegExp(`^${arm.emulator.url}/subscriptions/[^/]+/providers/Microsoft\\.StandbyPool/locations/westeurope/operationStatuses/[0-9a-f-]{36}\\?api-version=2025-03-01$`));
    expect(put.headers["retry-after"]).toBeDefined();
    expect(put.headers["location"]).toBeUndefined();
    const status = await link(put.headers["azure-asyncoperation"]);
    expect(status.body).toMatchObject({ status: "Succeeded", resourceId: poolId("created") });
    expect((await call("GET", `${poolId("created")}?api-version=${poolVersion}`)).body.properties.elasticityProfile).toEqual({ maxReadyCapacity: 1, refillPolicy: "always" });
    expect((await call("PUT", `${poolId("created")}?api-version=${poolVersion}`, poolBody("pooled", { maxReadyCapacity: 2 }))).status).toBe(200);
  });

  it("keeps maxReadyCapacity instances, Creating until the refill delay has passed, then Running", async () => {
    await call("PUT", `${poolId("filling")}?api-version=${poolVersion}`, poolBody("pooled", { maxReadyCapacity: 3 }));
    const view = () => call("GET", `${poolId("filling")}/runtimeViews/latest?api-version=${poolVersion}`);
    const before = (await view()).body;
    expect([countOf(before, "Running"), countOf(before, "Creating")]).toEqual([0, 3]);
    expect(before).toMatchObject({ id: `${poolId("filling")}/runtimeViews/latest`, properties: { status: { code: "HealthState/healthy" }, provisioningState: "Succeeded" } });
    clock.advance(1_000);
    const after = (await view()).body;
    expect([countOf(after, "Running"), countOf(after, "Creating")]).toEqual([3, 0]);
  });

  it("follows a changed capacity at once, and replaces its instances when pinned to another revision", async () => {
    const path = `${poolId("changing")}?api-version=${poolVersion}`;
    const counts = async () => {
      const view = (await call("GET", `${poolId("changing")}/runtimeViews/latest?api-version=${poolVersion}`)).body;
      return [countOf(view, "running"), countOf(view, "creating")];
    };
    await call("PUT", path, poolBody("pooled", { maxReadyCapacity: 2, revision: 1 }));
    clock.advance(1_000);
    await call("PUT", path, poolBody("pooled", { maxReadyCapacity: 3, revision: 1 }));
    expect(await counts()).toEqual([2, 1]);
    await call("PUT", path, poolBody("pooled", { maxReadyCapacity: 1, revision: 1 }));
    expect(await counts()).toEqual([1, 0]);
    await call("PUT", path, poolBody("pooled", { maxReadyCapacity: 1, revision: 2 }));
    expect(await counts()).toEqual([0, 1]);
  });

  it("shows no instance and reads degraded while the pool's profile revision does not exist", async () => {
    await call("PUT", `${poolId("orphan")}?api-version=${poolVersion}`, poolBody("missing-profile"));
    clock.advance(1_000);
    const view = (await call("GET", `${poolId("orphan")}/runtimeViews/latest?api-version=${poolVersion}`)).body;
    expect([countOf(view, "running"), countOf(view, "creating"), view.properties.status.code]).toEqual([0, 0, "HealthState/degraded"]);
    await call("PUT", `${profileId("missing-profile")}?api-version=${aciVersion}`, profileBody());
    const healthy = (await call("GET", `${poolId("orphan")}/runtimeViews/latest?api-version=${poolVersion}`)).body;
    expect([countOf(healthy, "running"), healthy.properties.status.code]).toEqual([1, "HealthState/healthy"]);
  });

  it("serves the runtime view 'latest' only", async () => {
    await call("PUT", `${poolId("views")}?api-version=${poolVersion}`, poolBody("pooled"));
    expect((await call("GET", `${poolId("views")}/runtimeViews/previous?api-version=${poolVersion}`)).body.error.code).toBe("NotFound");
    expect((await call("GET", `${poolId("views")}/runtimeViews?api-version=${poolVersion}`)).body.value).toHaveLength(1);
  });

  it("deletes a pool as a long-running operation with Location, then answers 204 and 404", async () => {
    const path = `${poolId("deleted")}?api-version=${poolVersion}`;
    await call("PUT", path, poolBody("pooled"));
    const deleted = await call("DELETE", path);
    expect(deleted.status).toBe(202);
    expect((await link(deleted.headers["location"])).status).toBe(204);
    expect((await link(deleted.headers["azure-asyncoperation"])).body.status).toBe("Succeeded");
    expect((await call("DELETE", path)).status).toBe(204);
    expect((await call("GET", path)).body.error.code).toBe("ResourceNotFound");
  });

  it.each([
    ["a refill policy other than lowercase 'always'", { elasticityProfile: { maxReadyCapacity: 1, refillPolicy: "Always" } }],
    ["a capacity above 2000", { elasticityProfile: { maxReadyCapacity: 2001 } }],
    ["no elasticity profile", { elasticityProfile: undefined }],
    ["no container group profile", { containerGroupProperties: {} }],
  ])("refuses a pool with %s", async (_, change) => {
    const body = poolBody("pooled");
    Object.assign(body.properties as Record<string, unknown>, change);
    const answer = await call("PUT", `${poolId("refused")}?api-version=${poolVersion}`, body);
    expect([answer.status, answer.body.error.code]).toEqual([400, "BadRequest"]);
  });

  it("refuses a pool name outside 3 to 24 letters, digits and hyphens, and an api-version the provider does not serve", async () => {
    expect((await call("PUT", `${poolId("p_1")}?api-version=${poolVersion}`, poolBody("pooled"))).status).toBe(400);
    expect((await call("GET", `${poolId("created")}?api-version=2024-03-01`)).body.error.code).toBe("NoRegisteredProviderFound");
  });
});
