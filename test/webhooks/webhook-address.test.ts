import type { LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isInternalAddress, urlRefusal } from "../../service/webhooks/webhook-address.js";
import { guardedLookup, sendWebhook } from "../../service/webhooks/send-webhook.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";

/** A resolver stub that answers `address` for every name, as a rebinding DNS might. */
const answering =
  (address: string): LookupFunction =>
  (_host, _options, callback) =>
    (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address, family: address.includes(":") ? 6 : 4 }]);

function resolveThrough(lookup: LookupFunction, host: string): Promise<string> {
  return new Promise((resolve, reject) => lookup(host, { family: 0 }, (error, address) => (error ? reject(error) : resolve(String(address)))));
}

describe("which addresses a webhook never reaches unless listed", () => {
  it.each(["127.0.0.1", "127.8.9.10", "169.254.169.254", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "not-an-ip"])(
    "%s is internal",
    (address) => expect(isInternalAddress(address)).toBe(true),
  );
  it.each(["8.8.8.8", "20.50.2.1", "172.32.0.1", "2001:db8::1", "::ffff:8.8.8.8"])("%s is not", (address) => expect(isInternalAddress(address)).toBe(false));
});

describe("where a webhook URL may go", () => {
  const listed = new Set(["http://127.0.0.1:8443"]);
  it("refuses plain http and internal literals for unlisted origins", () => {
    expect(urlRefusal(new URL("http://hooks.example/x"), listed)).toBe("not-https");
    expect(urlRefusal(new URL("https://169.254.169.254/latest"), listed)).toBe("internal-address");
    expect(urlRefusal(new URL("https://[::1]/x"), listed)).toBe("internal-address");
    expect(urlRefusal(new URL("https://hooks.example/x"), listed)).toBeUndefined();
  });
  it("lets a listed origin be http and internal", () => {
    expect(urlRefusal(new URL("http://127.0.0.1:8443/hook"), listed)).toBeUndefined();
  });
});

describe("the address checked is the address connected to", () => {
  it("refuses a public name that resolves to the metadata endpoint or loopback", async () => {
    const url = new URL("https://hooks.example/x");
    await expect(resolveThrough(guardedLookup(url, new Set(), answering("169.254.169.254")), "hooks.example")).rejects.toThrow(/internal address/);
    await expect(resolveThrough(guardedLookup(url, new Set(), answering("127.0.0.1")), "hooks.example")).rejects.toThrow(/internal address/);
  });
  it("passes a public address, and an internal one of a listed origin", async () => {
    const url = new URL("https://hooks.example/x");
    await expect(resolveThrough(guardedLookup(url, new Set(), answering("20.50.2.1")), "hooks.example")).resolves.toBe("20.50.2.1");
    await expect(resolveThrough(guardedLookup(url, new Set([url.origin]), answering("127.0.0.1")), "hooks.example")).resolves.toBe("127.0.0.1");
  });
});

describe("a name that resolves to an internal address at send time", () => {
  const secret = `whsec_${Buffer.alloc(32, 5).toString("base64")}`;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(secret);
  });
  afterAll(() => receiver.close());

  /** One attempt to `localhost` on the receiver's port, the name resolved to `address`. */
  const send = (address: string, listed: string[]) =>
    sendWebhook(
      { id: "msg_rebound", url: `https://localhost:${new URL(receiver.url).port}/hook`, body: "{}" },
      { secrets: [secret], timeoutMs: 2_000, listedOrigins: new Set(listed), now: () => new Date(), resolve: answering(address) },
    );

  it("is never contacted unless its origin is listed: not loopback, not the metadata endpoint", async () => {
    expect(await send("127.0.0.1", [])).toEqual({ error: "the webhook URL resolves to an internal address" });
    expect(await send("169.254.169.254", [])).toEqual({ error: "the webhook URL resolves to an internal address" });
    expect(receiver.received).toEqual([]);
  });

  it("is reached, signed, once its origin is listed", async () => {
    expect(await send("127.0.0.1", [`https://localhost:${new URL(receiver.url).port}`])).toEqual({ status: 200 });
    expect(receiver.received).toMatchObject([{ id: "msg_rebound", verified: true }]);
  });
});
