import { createRoute, z } from "@hono/zod-openapi";
import { deliveryViewSchema } from "../../core/webhook-event.js";
import type { RunDeliveries } from "../../runs/run-deliveries.js";
import { authCodes, errorResponses } from "../openapi.js";
import { runIdParams, runIdPattern } from "../run-parameters.js";
import { json } from "../schemas.js";
import { openApiRoutes } from "../validate.js";

const deliverySchema = deliveryViewSchema.clone().openapi("WebhookDelivery");
const deliveryList = z.object({ deliveries: z.array(deliverySchema) }).openapi("WebhookDeliveryList");
const eventParams = runIdParams.extend({ eventId: z.string().regex(runIdPattern, "must be a webhook-id (msg_…)").openapi({ description: "The event's `webhook-id`." }) });

const listDeliveries = createRoute({
  method: "get",
  path: "/{id}/deliveries",
  operationId: "listDeliveries",
  summary: "The run's webhook events, each with its attempts (time, HTTP status or error) and its next attempt.",
  request: { params: runIdParams },
  responses: { 200: { description: "The run's events, oldest first.", content: json(deliveryList) }, ...errorResponses(["InvalidRequest", ...authCodes, "RunNotFound", "StoreUnavailable", "InternalError"]) },
});

const redeliver = createRoute({
  method: "post",
  path: "/{id}/deliveries/{eventId}/redeliver",
  operationId: "redeliverEvent",
  summary: "Send the event again, under its own webhook-id and body, on the next pass.",
  request: { params: eventParams },
  responses: { 202: { description: "The event is due again.", content: json(deliverySchema) }, ...errorResponses(["InvalidRequest", ...authCodes, "RunNotFound", "DeliveryNotFound", "StoreUnavailable", "InternalError"]) },
});

/** GET /runs/{id}/deliveries, POST /runs/{id}/deliveries/{eventId}/redeliver. */
export function deliveryRoutes(deliveries: RunDeliveries) {
  return openApiRoutes()
    .openapi(listDeliveries, async (c) => {
      const { id } = c.req.valid("param");
      c.set("runId", id);
      return c.json({ deliveries: await deliveries.list(id) }, 200);
    })
    .openapi(redeliver, async (c) => {
      const { id, eventId } = c.req.valid("param");
      c.set("runId", id);
      const view = await deliveries.redeliver(id, eventId);
      c.var.log.info("webhook event redelivered", { runId: id, eventId });
      return c.json(view, 202);
    });
}
