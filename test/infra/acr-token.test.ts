import { describe, expect, it, vi } from "vitest";
import { acrRefreshToken, exchangeRequest } from "../../infra/acr-token.js";

describe("acrRefreshToken", () => {
  it("posts the ARM token to the registry's exchange endpoint and returns the refresh token", async () => {
    const fetchImpl = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => Response.json({ refresh_token: "acr-token" }));
    await expect(acrRefreshToken("reg.azurecr.io", "tenant", "arm-token", fetchImpl)).resolves.toBe("acr-token");
    const [url, init] = fetchImpl.mock.calls[0]!;
    expect(url).toBe("https://reg.azurecr.io/oauth2/exchange");
    expect(init?.method).toBe("POST");
    expect(String(init?.body)).toBe(exchangeRequest("reg.azurecr.io", "tenant", "arm-token").body.toString());
    expect(Object.fromEntries(new URLSearchParams(String(init?.body)))).toEqual({
      grant_type: "access_token",
      service: "reg.azurecr.io",
      tenant: "tenant",
      access_token: "arm-token",
    });
  });

  it("fails naming the registry and status but never the token", async () => {
    const fetchImpl = vi.fn(async () => new Response("denied arm-token", { status: 401 }));
    const failure = acrRefreshToken("reg.azurecr.io", "tenant", "arm-token", fetchImpl);
    await expect(failure).rejects.toThrow("Exchanging the Azure token for a push token of reg.azurecr.io failed with HTTP 401.");
    await expect(failure).rejects.not.toThrow(/arm-token/);
  });

  it("fails when the answer holds no refresh token", async () => {
    const fetchImpl = vi.fn(async () => Response.json({}));
    await expect(acrRefreshToken("reg.azurecr.io", "tenant", "t", fetchImpl)).rejects.toThrow(
      "The token exchange of reg.azurecr.io answered without a refresh_token.",
    );
  });
});
