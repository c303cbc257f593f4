import { describe, expect, it } from "vitest";
import { armError } from "../helpers/fake-group.js";
import { auth, bodyOf, buildApp, postRun } from "../helpers/service-app.js";

describe("ARM failures", () => {
  it.each([
    [429, "TooManyRequests", { "retry-after": "30" }, 503, "ArmBusy", "30"],
    [409, "ContainerGroupTransitioning", {}, 503, "ArmBusy", "10"],
    [503, "ServiceUnavailable", { "retry-after": "120" }, 503, "ArmBusy", "120"],
    [500, "InternalServerError", {}, 502, "ArmUnavailable", null],
    [503, "ServiceUnavailable", {}, 502, "ArmUnavailable", null],
    [401, "InvalidAuthenticationToken", {}, 502, "ArmAccessDenied", null],
    [403, "AuthorizationFailed", {}, 502, "ArmAccessDenied", null],
    [404, "ResourceNotFound", {}, 502, "ContainerGroupNotFound", null],
  ])("maps ARM %i %s on read to %i %s", async (status, code, headers, expected, expectedCode, retryAfter) => {
    const { app, fake } = buildApp();
    fake.fail("read", armError(status, code, headers));
    const res = await app.request("/runs/run-1", { headers: auth });
    expect(res.status).toBe(expected);
    expect(res.headers.get("Retry-After")).toBe(retryAfter);
    const body = await bodyOf(res);
    expect(body.error.code).toBe(expectedCode);
    expect(body.error.message).not.toContain("internal detail");
  });

  it("maps a transport failure without a status to 502 ArmUnavailable", async () => {
    const { app, fake } = buildApp();
    fake.fail("read", armError(undefined, "REQUEST_SEND_ERROR"));
    const res = await app.request("/runs/run-1", { headers: auth });
    expect(res.status).toBe(502);
    expect((await bodyOf(res)).error.code).toBe("ArmUnavailable");
  });

  it("maps ARM 400 on the PUT to 502 ArmRejectedDefinition carrying ARM's code", async () => {
    const { app, fake } = buildApp();
    fake.fail("replace", armError(400, "InvalidContainerGroupUpdate"));
    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(502);
    const body = await bodyOf(res);
    expect(body.error).toMatchObject({ code: "ArmRejectedDefinition", armCode: "InvalidContainerGroupUpdate" });
    expect(body.error.message).toContain("InvalidContainerGroupUpdate");
    expect(body.error.message).not.toContain("internal detail");
  });

  it("does not echo an ARM code that is not a plain identifier", async () => {
    const { app, fake } = buildApp();
    fake.fail("replace", armError(400, "<script>alert(1)</script>"));
    const body = await bodyOf(await postRun(app, { env: {} }));
    expect(body.error.code).toBe("ArmRejectedDefinition");
    expect(body.error.armCode).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain("script");
  });

  it("maps a transitioning group that outlasted the retries on cancel to 503 ArmBusy", async () => {
    const { app, fake } = buildApp();
    await postRun(app, { env: {} });
    fake.fail("stop", armError(409, "ContainerGroupTransitioning"));
    const res = await app.request("/runs/run-1/cancel", { method: "POST", headers: auth });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("10");
  });

  it("answers an unexpected failure with a bare 500 InternalError and logs it", async () => {
    const { app, fake, lines } = buildApp();
    fake.fail("read", new TypeError("cannot read properties of undefined (reading 'secretThing')"));
    const res = await app.request("/runs/run-1", { headers: auth });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "InternalError", message: "The service failed to handle the request." } });
    expect(text).not.toContain("secretThing");
    expect(text).not.toContain("at ");
    const logged = lines().find((l) => l["level"] === "error");
    expect(logged).toMatchObject({ msg: "request failed", error: { name: "TypeError" } });
  });
});
