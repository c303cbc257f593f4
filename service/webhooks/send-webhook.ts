import { lookup } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { addressRefused, urlRefusal } from "./webhook-address.js";

/** One delivery: the event's id (`webhook-id`, the same on every attempt) and its body, stored once. */
export interface WebhookDelivery {
  id: string;
  url: string;
  body: string;
}

/** What one attempt got: the receiver's status, or why none came (timeout, connection, refused address). */
export type AttemptOutcome = { status: number } | { error: string };

export interface SendOptions {
  secrets: readonly string[];
  timeoutMs: number;
  /** origins whose URLs may be plain http or resolve to internal addresses */
  listedOrigins: ReadonlySet<string>;
  now: () => Date;
  /** the name resolver; node's by default (tests pass one that answers a chosen address) */
  resolve?: LookupFunction;
}

/** The Standard Webhooks headers, with one `v1,` signature per secret (two during a rotation). */
export function signedHeaders(delivery: WebhookDelivery, secrets: readonly string[], at: Date): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(delivery.id, at, delivery.body));
  return {
    "content-type": "application/json",
    "webhook-id": delivery.id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}

/**
 * A resolver that refuses internal addresses for unlisted origins. It is the lookup of the very
 * socket that connects, so the address checked is the address connected to: a name that answers
 * a public address to one query and 127.0.0.1 to the next cannot slip through between the two.
 */
export function guardedLookup(url: URL, listedOrigins: ReadonlySet<string>, resolve: LookupFunction = lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: 4 }];
      const allowed = list.filter((entry) => !addressRefused(url, entry.address, listedOrigins));
      const first = allowed[0];
      if (first === undefined) return callback(Object.assign(new Error("the webhook URL resolves to an internal address"), { code: "EWEBHOOKREFUSED" }), "", 0);
      if (options.all) return callback(null, allowed as never, 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Sends one attempt of `delivery`; never throws: every failure is an outcome. */
export function sendWebhook(delivery: WebhookDelivery, options: SendOptions): Promise<AttemptOutcome> {
  const url = new URL(delivery.url);
  const headers = signedHeaders(delivery, options.secrets, options.now());
  const body = Buffer.from(delivery.body);
  const requestOptions: RequestOptions = {
    method: "POST",
    headers: { ...headers, "content-length": String(body.length) },
    lookup: guardedLookup(url, options.listedOrigins, options.resolve),
    timeout: options.timeoutMs,
  };
  // An IP literal is connected to without a lookup: it is checked here, with the scheme.
  const refusal = urlRefusal(url, options.listedOrigins);
  if (refusal !== undefined) return Promise.resolve({ error: refusal === "not-https" ? "the webhook URL is not https" : "the webhook URL names an internal address" });
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const timer = setTimeout(() => request.destroy(new Error("timed out")), options.timeoutMs);
    const request = send(url, requestOptions, (response) => {
      response.resume();
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0 });
      });
      response.on("error", (error) => {
        clearTimeout(timer);
        resolve({ error: error.message });
      });
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", (error) => {
      clearTimeout(timer);
      resolve({ error: error.message });
    });
    request.end(body);
  });
}
