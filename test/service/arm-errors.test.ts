import { describe, expect, it } from "vitest";
import { eventually, useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, getWithKey, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();
const longRun = { EMULATOR_RUN_MS: "600000" };

/** An app with one active run, and that run's id. */
async function withActiveRun(options: { armDeadlineMs?: number; startDeadlineMs?: number } = {}) {
  const built = await buildApp(arm.emulator, options);
  const run = await bodyOf(await postRun(built.app, { env: longRun }));
  return { ...built, id: run.id as string };
}

describe("ARM failures", () => {
  it.each([
    [429, "TooManyRequests", 30, 503, "ArmBusy", "30"],
    [409, "ContainerGroupTransitioning", undefined, 503, "ArmBusy", "10"],
    [409, "Conflict", undefined, 502, "ArmConflict", null],
    [503, "ServiceUnavailable", 120, 503, "ArmBusy", "120"],
    [500, "InternalServerError", undefined, 502, "ArmUnavailable", null],
    [401, "InvalidAuthenticationToken", undefined, 502, "ArmAccessDenied", null],
    [403, "AuthorizationFailed", undefined, 502, "ArmAccessDenied", null],
  ])("maps ARM %i %s on reading a run's group to %i %s", async (status, code, retryAfterSeconds, expected, expectedCode, retryAfter) => {
    const { app, id, groups } = await withActiveRun();
    // Enough answers for the SDK's own retries of a read: the test is about the last one.
    arm.emulator.faults.add({ status, code, method: "GET", path: groups[0], count: 10, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
    const res = await getWithKey(app, `/runs/${id}`);
    arm.emulator.faults.clear();
    expect(res.status).toBe(expected);
    expect(res.headers.get("Retry-After")).toBe(retryAfter);
    const body = await bodyOf(res);
    expect(body.error.code).toBe(expectedCode);
    expect(body.error.message).not.toContain("Injected");
  });

  it("maps a dropped connection to 502 ArmUnavailable", async () => {
    const { app, id, groups } = await withActiveRun();
    arm.emulator.faults.add({ drop: true, method: "GET", path: groups[0], count: 10 });
    const res = await getWithKey(app, `/runs/${id}`);
    arm.emulator.faults.clear();
    expect(res.status).toBe(502);
    expect((await bodyOf(res)).error.code).toBe("ArmUnavailable");
  });

  it("maps ARM 400 on the PUT to 502 ArmRejectedDefinition carrying ARM's code, and records the run as not started", async () => {
    const { app, groups, runs } = await buildApp(arm.emulator);
    arm.emulator.faults.add({ status: 400, code: "InvalidContainerGroupUpdate", method: "PUT", path: groups[0] });
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(502);
    const body = await bodyOf(res);
    expect(body.error).toMatchObject({ code: "ArmRejectedDefinition", armCode: "InvalidContainerGroupUpdate" });
    expect(body.error.message).not.toContain("Injected");
    const [run] = (await runs.list({ limit: 1 })).runs;
    expect(run).toMatchObject({ status: "failed", message: expect.stringContaining("InvalidContainerGroupUpdate") });
    expect((await postRun(app, { env: {} })).status).toBe(202);
  });

  it("does not echo an ARM code that is not a plain identifier", async () => {
    const { app, groups } = await buildApp(arm.emulator);
    arm.emulator.faults.add({ status: 400, code: "<script>alert(1)</script>", method: "PUT", path: groups[0] });
    const body = await bodyOf(await postRun(app, { env: {} }));
    expect(body.error.code).toBe("ArmRejectedDefinition");
    expect(body.error.armCode).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain("script");
  });

  it("maps a 400 on reading logs to ArmRejectedRequest, not to a rejected definition", async () => {
    const { app, id, groups } = await withActiveRun();
    await eventually(async () => bodyOf(await getWithKey(app, `/runs/${id}`)), (r) => r.status === "running");
    arm.emulator.faults.add({ status: 400, code: "BadRequest", method: "GET", path: `${groups[0]}/containers` });
    const res = await getWithKey(app, `/runs/${id}/logs`);
    expect(res.status).toBe(502);
    expect((await bodyOf(res)).error).toMatchObject({ code: "ArmRejectedRequest", armCode: "BadRequest" });
  });

  it("answers the canceled run when the group stays transitioning through the stop's budget, and the loop stops it after", async () => {
    // Short enough to run out under the retries, long enough for any read on a loaded machine.
    const { app, id, groups, store, reconcile, lines } = await withActiveRun({ armDeadlineMs: 3000, startDeadlineMs: 0 });
    await eventually(async () => bodyOf(await getWithKey(app, `/runs/${id}`)), (r) => r.status === "running");
    arm.emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "POST", path: `${groups[0]}/stop`, count: 1000 });
    const res = await app.request(`/runs/${id}/cancel`, { method: "POST", headers: auth });
    arm.emulator.faults.clear();
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ id, status: "canceled" });
    expect(lines().some((line) => line["msg"] === "stop after cancel failed; the reconcile loop will stop the group")).toBe(true);
    expect((await store.getLease(groups[0]!))?.runId).toBe(id);
    await reconcile();
    expect((await store.getLease(groups[0]!))?.runId).toBeUndefined();
    const stops = arm.emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith(`${groups[0]}/stop`));
    expect(stops.length).toBeGreaterThan(0);
  });

  it("answers an unexpected failure with a bare 500 InternalError, and logs the error's message for the operator", async () => {
    const { app, id, lines } = await (async () => {
      const built = await buildApp(arm.emulator, {
        wrapRuns: (runs) => ({
          ...runs,
          status: () => Promise.reject(new TypeError("cannot read properties of undefined (reading 'secretThing')")),
        }),
      });
      return { ...built, id: (await bodyOf(await postRun(built.app, { env: {} }))).id as string };
    })();
    const res = await getWithKey(app, `/runs/${id}`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "InternalError", message: "The service failed to handle the request." } });
    expect(text).not.toContain("secretThing");
    const logged = lines().find((l) => l["level"] === "error");
    expect(logged).toMatchObject({ msg: "request failed", err: { type: "TypeError", message: expect.stringContaining("secretThing") } });
  });
});
