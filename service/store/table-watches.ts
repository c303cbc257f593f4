import { RestError, type TableClient } from "@azure/data-tables";
import type { GroupWatch, RunStore, Stored } from "./run-store.js";
import { StoreConflict, StoreUnavailable } from "./store-errors.js";

/** The row of the replica that observes a group: one per group, apart from its lease. */
const watchRow = (group: string) => `w|${group.toLowerCase()}`;

function failure(error: unknown): Error {
  if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409 || error.statusCode === 404)) return new StoreConflict("changed");
  if (error instanceof RestError) return new StoreUnavailable(error.statusCode);
  return error instanceof Error ? error : new Error(String(error));
}

/** The run store's watch rows on Azure Tables, in the pool's partition. */
export function tableWatches(client: TableClient, pk: string): Pick<RunStore, "watch" | "recordWatch"> {
  return {
    watch: async (group) => {
      try {
        const entity = await client.getEntity<Record<string, unknown>>(pk, watchRow(group));
        return { group, replica: String(entity["replica"]), until: String(entity["until"]), observedAt: String(entity["observedAt"]), etag: entity.etag };
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        throw failure(error);
      }
    },
    recordWatch: async (previous: Stored<GroupWatch> | undefined, next: GroupWatch) => {
      const entity = { partitionKey: pk, rowKey: watchRow(next.group), replica: next.replica, until: next.until, observedAt: next.observedAt };
      try {
        if (previous) await client.updateEntity(entity, "Replace", { etag: previous.etag });
        else await client.createEntity(entity);
      } catch (error) {
        throw failure(error);
      }
    },
  };
}
