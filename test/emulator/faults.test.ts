import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isRestError } from "@azure/core-rest-pipeline";
import { fastPolling, jobGroup, jobGroupModel, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";

const arm = useArmEmulator();

beforeAll(async () => {
  arm.emulator.putGroup(sub, rg, "target", jobGroup(), { terminated: true });
  await arm.client.containerGroups.get(rg, "target"); // fetch the token once, so ARM requests alone are counted below
});
beforeEach(() => {
  arm.emulator.faults.clear();
  arm.emulator.clearRequests();
});

const statuses = () => arm.emulator.requests.map((r) => r.status);

describe("injected faults as the SDK sees them", () => {
  it("retries a 429 with Retry-After through the SDK pipeline until it passes", async () => {
    arm.emulator.faults.add({ status: 429, retryAfterSeconds: 0, count: 2, method: "GET" });
    expect((await arm.client.containerGroups.get(rg, "target")).name).toBe("target");
    expect(statuses()).toEqual([429, 429, 200]);
    expect(arm.emulator.requests.length).toBe(3);
  });

  it("waits as long as Retry-After says before retrying", async () => {
    arm.emulator.faults.add({ status: 429, retryAfterSeconds: 1, method: "GET" });
    const started = Date.now();
    await arm.client.containerGroups.get(rg, "target");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(statuses()).toEqual([429, 200]);
  });

  it("sends a 429 body with the throttling code and a Retry-After header", async () => {
    arm.emulator.faults.add({ status: 429, retryAfterSeconds: 0, count: 10 });
    const error = await arm.client.containerGroups.get(rg, "target").catch((e: unknown) => e);
    if (!isRestError(error)) throw error;
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("TooManyRequests");
    expect(error.response?.headers.get("retry-after")).toBe("0");
    expect(arm.emulator.requests.length).toBe(4);
  });

  it("retries a 500 and a 503, and surfaces a 500 that outlasts the retries", async () => {
    arm.emulator.faults.add({ status: 500, method: "GET" });
    arm.emulator.faults.add({ status: 503, retryAfterSeconds: 0, method: "GET" });
    await arm.client.containerGroups.get(rg, "target");
    expect(statuses()).toEqual([500, 503, 200]);
    arm.emulator.clearRequests();
    arm.emulator.faults.add({ status: 500, count: 10 });
    await expect(arm.client.containerGroups.get(rg, "target")).rejects.toMatchObject({ statusCode: 500, code: "InternalServerError" });
    expect(arm.emulator.requests.length).toBe(4);
  });

  it("answers a 409 with a given ARM code, which the SDK does not retry", async () => {
    arm.emulator.faults.add({ status: 409, code: "ContainerGroupTransitioning", method: "PUT", path: /containerGroups\/target$/ });
    await expect(arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "target", jobGroupModel(), fastPolling)).rejects.toMatchObject({
      statusCode: 409,
      code: "ContainerGroupTransitioning",
      message: "The container group 'target' is still transitioning, please retry later.",
    });
    expect(statuses()).toEqual([409]);
  });

  it("retries a failed poll of the async operation and still completes the PUT", async () => {
    arm.emulator.faults.add({ status: 500, path: "/operations/" });
    const group = await arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "target", jobGroupModel(), fastPolling);
    expect(group.provisioningState).toBe("Succeeded");
    expect(statuses()).toContain(500);
  });

  it("delays a request by delayMs, then answers it normally", async () => {
    arm.emulator.faults.add({ delayMs: 150, method: "GET" });
    const started = Date.now();
    await arm.client.containerGroups.get(rg, "target");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(statuses()).toEqual([200]);
  });

  it("drops the connection without a response, which the SDK retries", async () => {
    arm.emulator.faults.add({ drop: true, method: "GET" });
    await arm.client.containerGroups.get(rg, "target");
    expect(statuses()).toEqual([0, 200]);
  });

  it("surfaces connections dropped beyond the retries as a RestError with a transport code", async () => {
    arm.emulator.faults.add({ drop: true, count: 10 });
    const error = await arm.client.containerGroups.get(rg, "target").catch((e: unknown) => e);
    if (!isRestError(error)) throw error;
    expect(["ECONNRESET", "REQUEST_SEND_ERROR"]).toContain(error.code);
    expect(error.statusCode).toBeUndefined();
  });

  it("applies a fault only to matching requests, for its count, and forgets it after clear()", async () => {
    arm.emulator.faults.add({ status: 500, method: "DELETE", count: 1 });
    arm.emulator.faults.add({ status: 503, path: "other-group", count: 5 });
    await arm.client.containerGroups.get(rg, "target");
    expect(statuses()).toEqual([200]);
    arm.emulator.faults.clear();
    arm.emulator.faults.add({ status: 500, count: 2 });
    arm.emulator.faults.clear();
    await arm.client.containerGroups.get(rg, "target");
    expect(statuses()).toEqual([200, 200]);
  });

  it("aims identity faults at the token endpoint only", async () => {
    arm.emulator.faults.add({ status: 500, identity: true });
    const response = await fetch(`${arm.emulator.identityEndpoint}?api-version=2019-08-01&resource=r`, { headers: { "X-IDENTITY-HEADER": arm.emulator.identityHeader } });
    expect(response.status).toBe(500);
    expect(arm.emulator.tokenRequests.map((r) => r.status)).toEqual([500]);
    await arm.client.containerGroups.get(rg, "target");
    expect(statuses()).toEqual([200]);
  });

  it("refuses a fault whose count is not a positive integer", () => {
    expect(() => arm.emulator.faults.add({ status: 500, count: 0 })).toThrow(RangeError);
  });
});
