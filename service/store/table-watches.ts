import { RestError, type TableClient } from "@azure/data-tables";
import type { GroupWatch, RunStore, Stored } from "./run-store.js";
import { rowKeys } from "./row-keys.js";
import { StoreUnavailable } from "./store-errors.js";
import { storeCall } from "./table-calls.js";

/** The run store's watch rows on Azure Tables, in the pool's partition. */
export function tableWatches(client: TableClient, pk: string): Pick<RunStore, "watch" | "recordWatch"> {
  return {
    watch: async (group) => {
      try {
        const entity = await client.getEntity<Record<string, unknown>>(pk, rowKeys.watch(group));
        return { group, replica: String(entity["replica"]), until: String(entity["until"]), etag: entity.etag };
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        return storeCall(() => Promise.reject(error));
      }
    },
    recordWatch: (previous: Stored<GroupWatch> | undefined, next: GroupWatch) =>
      storeCall(async () => {
        const entity = { partitionKey: pk, rowKey: rowKeys.watch(next.group), replica: next.replica, until: next.until };
        const written = previous ? await client.updateEntity(entity, "Replace", { etag: previous.etag }) : await client.createEntity(entity);
        if (written.etag === undefined) throw new StoreUnavailable(undefined);
        return { ...next, etag: written.etag };
      }, true),
  };
}
