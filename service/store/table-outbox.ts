import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import { joinText, splitText } from "./entity-fields.js";
import { rowKeys } from "./row-keys.js";
import type { Stored, WebhookDeliveryRow } from "./run-store.js";
import { storeCall, type Entity } from "./table-calls.js";
import { text } from "./table-entities.js";

/**
 * The webhook outbox of one pool's partition (`o|<run>|<event>`): a row per event, created in the
 * transaction of the transition that caused it, so an event is never lost to a crash between the
 * two, and read by every replica's drain.
 */
export function tableOutbox(client: TableClient, pk: string) {
  function entity(row: WebhookDeliveryRow): Entity {
    return {
      partitionKey: pk,
      rowKey: rowKeys.delivery(row.runId, row.id),
      id: row.id,
      runId: row.runId,
      type: row.type,
      url: row.url,
      createdAt: row.createdAt,
      state: row.state,
      ...(row.nextAttemptAt ? { nextAttemptAt: row.nextAttemptAt } : {}),
      attempts: JSON.stringify(row.attempts),
      ...splitText("body", row.body),
    };
  }

  function fromEntity(found: Record<string, unknown>): Stored<WebhookDeliveryRow> {
    const next = text(found["nextAttemptAt"]);
    return {
      id: String(found["id"]),
      runId: String(found["runId"]),
      type: String(found["type"]),
      url: String(found["url"]),
      body: joinText(found, "body") ?? "",
      createdAt: String(found["createdAt"]),
      state: String(found["state"]) as WebhookDeliveryRow["state"],
      ...(next ? { nextAttemptAt: next } : {}),
      attempts: JSON.parse(String(found["attempts"] ?? "[]")) as WebhookDeliveryRow["attempts"],
      etag: String(found["etag"]),
    };
  }

  /** The create of an event's row: "create", so one id never takes a second body. */
  const createAction = (row: WebhookDeliveryRow): TransactionAction => ["create", entity(row)];

  async function list(filter: string, limit: number): Promise<Stored<WebhookDeliveryRow>[]> {
    return storeCall(async () => {
      const rows: Stored<WebhookDeliveryRow>[] = [];
      for await (const found of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        rows.push(fromEntity(found));
        if (rows.length >= limit) break;
      }
      return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    });
  }

  /** The deletes of a run's events, for the prune that deletes the run: keys only, read in one prefix query. */
  async function deleteActions(runId: string): Promise<TransactionAction[]> {
    const [from, to] = rowKeys.deliveriesOf(runId);
    const actions: TransactionAction[] = [];
    const rows = client.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`, select: ["RowKey"] } });
    for await (const found of rows) actions.push(["delete", { partitionKey: pk, rowKey: found.rowKey ?? "" }]);
    return actions;
  }

  return {
    createAction,
    deleteActions,
    dueDeliveries: (now: Date, limit: number) => {
      const [from, to] = rowKeys.deliveryRange;
      return list(`${odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to} and state eq ${"pending"} and nextAttemptAt le ${now.toISOString()}`}`, limit);
    },
    deliveries: (runId: string) => {
      const [from, to] = rowKeys.deliveriesOf(runId);
      return list(odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`, 1_000);
    },
    replaceDelivery: (previous: Stored<WebhookDeliveryRow>, next: WebhookDeliveryRow) =>
      storeCall(async () => {
        const response = await client.updateEntity(entity(next), "Replace", { etag: previous.etag });
        return { ...next, etag: response.etag ?? "" };
      }, true),
  };
}
