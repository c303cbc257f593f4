import { RestError, type TransactionAction } from "@azure/data-tables";
import { ServiceError } from "../core/service-error.js";
import { StoreConflict, StoreUnavailable } from "./store-errors.js";

/** An entity as the store writes it. */
export type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** A transaction's compare-and-set replace of `entity`. */
export const updateAction = (entity: Entity, etag: string): TransactionAction => ["update", entity, "Replace", { etag }];

/**
 * Maps the Tables service's answers to the store's own errors; nothing else leaves the store.
 * `RestError` comes from @azure/data-tables itself, the class its own pipeline throws, so store/
 * needs no import of the ARM pipeline package.
 */
export async function storeCall<T>(operation: () => Promise<T>, write = false): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof RestError) {
      if (error.statusCode === 412) throw new StoreConflict("changed");
      if (error.statusCode === 409) throw new StoreConflict("exists");
      // The entity outgrew what a table holds: the request's size, not the store, is at fault.
      if (error.statusCode === 413) throw new ServiceError("PayloadTooLarge", "The run is too large for the run store to keep.");
      // A write's row (a queue entry) removed by another replica first: a lost race, not an outage.
      if (error.statusCode === 404 && write) throw new StoreConflict("changed");
      throw new StoreUnavailable(error.statusCode);
    }
    throw error;
  }
}

export function isAlreadyThere(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 409;
}
