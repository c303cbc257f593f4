/**
 * Push credentials for a registry whose admin user is disabled: the deploying principal's ARM
 * access token is exchanged at the registry's `/oauth2/exchange` endpoint for an ACR refresh
 * token, which Docker accepts as the password of the all-zero user (the flow `az acr login
 * --expose-token` uses). The token is short-lived and is only ever handled as a Pulumi secret.
 */

/** The user name Docker logs in with when the password is an ACR refresh token. */
export const acrTokenUsername = "00000000-0000-0000-0000-000000000000";

export interface ExchangeRequest {
  url: string;
  body: URLSearchParams;
}

/** The form POST that trades an ARM access token for an ACR refresh token. */
export function exchangeRequest(loginServer: string, tenantId: string, armAccessToken: string): ExchangeRequest {
  return {
    url: `https://${loginServer}/oauth2/exchange`,
    body: new URLSearchParams({
      grant_type: "access_token",
      service: loginServer,
      tenant: tenantId,
      access_token: armAccessToken,
    }),
  };
}

/** Performs the exchange; errors name the registry and status, never a token. */
export async function acrRefreshToken(
  loginServer: string,
  tenantId: string,
  armAccessToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const request = exchangeRequest(loginServer, tenantId, armAccessToken);
  const response = await fetchImpl(request.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: request.body,
  });
  if (!response.ok) {
    throw new Error(`Exchanging the Azure token for a push token of ${loginServer} failed with HTTP ${response.status}.`);
  }
  const body = (await response.json()) as { refresh_token?: unknown };
  if (typeof body.refresh_token !== "string" || body.refresh_token === "") {
    throw new Error(`The token exchange of ${loginServer} answered without a refresh_token.`);
  }
  return body.refresh_token;
}
