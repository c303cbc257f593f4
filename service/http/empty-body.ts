import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.js";

/**
 * An empty JSON body reads as `{}`. Every field of a run request is optional (`env` defaults to
 * `{}`), so a bare `POST /runs` asks for exactly what `{}` asks for: a run with the job's own env.
 * Clients that send no body for "go" (`curl -X POST`, a webhook without a payload) start a run
 * instead of meeting "Malformed JSON". Placed after the body limit, which bounds what is read here.
 */
export const emptyBodyAsObject: MiddlewareHandler<AppEnv> = async (c, next) => {
  // Hono caches each body reading as a promise (its type says the value); `json()` parses the cached text.
  if ((await c.req.text()).trim() === "") c.req.bodyCache.text = Promise.resolve("{}") as unknown as string;
  await next();
};
