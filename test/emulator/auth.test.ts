import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import { DefaultAzureCredential } from "@azure/identity";
import type { Emulator } from "../../emulator/index.js";
import { armClient, groupPath, jobGroup, startTestEmulator, testClientId, testResourceGroup as rg, testSubscriptionId as sub } from "../helpers/emulator.js";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ requiredClientId: testClientId });
  emulator.putGroup(sub, rg, "auth", jobGroup(), { terminated: true });
});
afterAll(() => emulator.close());

const groupUrl = () => `${emulator.url}${groupPath("auth")}?api-version=2023-05-01`;

async function token(target: Emulator, query: string, header: string | null = target.identityHeader) {
  const response = await fetch(`${target.identityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent("https://management.azure.com")}${query}`, {
    headers: header === null ? {} : { "X-IDENTITY-HEADER": header },
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("the managed-identity endpoint", () => {
  it("issues a Bearer token with expires_on as unix seconds in a string, to the right header", async () => {
    const { status, body } = await token(emulator, `&client_id=${testClientId}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.any(String),
      expires_on: expect.stringMatching(/^\d+$/),
      resource: "https://management.azure.com",
      token_type: "Bearer",
      client_id: testClientId,
    });
    const expiresIn = Number(body.expires_on) - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(3500);
    expect(expiresIn).toBeLessThanOrEqual(3600);
  });

  it("refuses a request without or with a wrong X-IDENTITY-HEADER", async () => {
    expect((await token(emulator, `&client_id=${testClientId}`, null)).status).toBe(401);
    expect((await token(emulator, `&client_id=${testClientId}`, "wrong")).status).toBe(401);
  });

  it("issues tokens only to the required client id when one is configured", async () => {
    expect((await token(emulator, "&client_id=someone-else")).status).toBe(400);
    expect((await token(emulator, "")).status).toBe(400);
  });

  it("accepts mi_res_id and principal_id as ARM does", async () => {
    const open = await startTestEmulator();
    try {
      expect((await token(open, "&mi_res_id=/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u")).status).toBe(200);
      expect((await token(open, "&principal_id=p-1")).body.client_id).toBe("p-1");
    } finally {
      await open.close();
    }
  });

  it("serves the real ManagedIdentityCredential, recording token requests apart from ARM requests", async () => {
    emulator.clearRequests();
    const { client, credential } = armClient(emulator);
    const accessToken = await credential.getToken(`${emulator.url}/.default`);
    expect(accessToken.token).toBeTruthy();
    await client.containerGroups.get(rg, "auth");
    expect(emulator.tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(emulator.tokenRequests[0]?.query).toMatchObject({ "api-version": "2019-08-01", client_id: testClientId });
    expect(emulator.tokenRequests[0]?.headers["x-identity-header"]).toBe("[redacted]");
    expect(emulator.requests.map((r) => r.method)).toEqual(["GET"]);
    expect(emulator.requests[0]?.headers.authorization).toBe("Bearer [redacted]");
  });

  it("serves DefaultAzureCredential with a managed identity client id", async () => {
    armClient(emulator); // sets IDENTITY_ENDPOINT and IDENTITY_HEADER, as a Container App would
    const credential = new DefaultAzureCredential({ managedIdentityClientId: testClientId });
    const client = new ContainerInstanceManagementClient(credential, sub, { endpoint: emulator.url });
    expect((await client.containerGroups.get(rg, "auth")).name).toBe("auth");
  });
});

describe("ARM authentication", () => {
  it("answers 401 AuthenticationFailed with a Bearer challenge when the Authorization header is missing", async () => {
    const response = await fetch(groupUrl());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("AuthenticationFailed");
  });

  it("answers 401 InvalidAuthenticationToken for a token it did not issue, also through the SDK", async () => {
    const response = await fetch(groupUrl(), { headers: { authorization: "Bearer made-up" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const forged = { getToken: async () => ({ token: "forged", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const client = new ContainerInstanceManagementClient(forged, sub, { endpoint: emulator.url });
    await expect(client.containerGroups.get(rg, "auth")).rejects.toMatchObject({ statusCode: 401, code: "InvalidAuthenticationToken" });
  });

  it("answers 401 ExpiredAuthenticationToken for an expired token", async () => {
    const expiring = await startTestEmulator({ tokenLifetimeSeconds: 0 });
    try {
      const { body } = await token(expiring, "&client_id=x");
      const response = await fetch(`${expiring.url}${groupPath("auth")}?api-version=2023-05-01`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("ExpiredAuthenticationToken");
    } finally {
      await expiring.close();
    }
  });

  it("accepts a token it issued", async () => {
    const { body } = await token(emulator, `&client_id=${testClientId}`);
    const response = await fetch(groupUrl(), { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(response.status).toBe(200);
  });
});
