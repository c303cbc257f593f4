import { TableClient } from "@azure/data-tables";
import { withTableEndpoint } from "../../bench/connection-string.js";
import { startCountingProxy, type CountingProxy } from "../../bench/counting-proxy.js";
import { randomUUID } from "node:crypto";
import { storageNames } from "../../service/config-names.js";
import { createTableRunStore } from "../../service/store/table-run-store.js";
import type { RunStore } from "../../service/store/run-store.js";

/** The shared Azurite of this test run (test/helpers/azurite-setup.ts). */
export function testConnectionString(): string {
  const value = process.env["TEST_STORAGE_CONNECTION_STRING"];
  if (!value) throw new Error("TEST_STORAGE_CONNECTION_STRING is not set: is test/helpers/azurite-setup.ts a vitest globalSetup?");
  return value;
}

/** A partition no other test uses. */
export function freshPartition(): string {
  return `test-${randomUUID()}`;
}

/** The env a service process needs to keep its runs in Azurite, in `partition`. */
export function storageEnv(partition: string): Record<string, string> {
  return { TRIGGER_STORAGE_CONNECTION_STRING: testConnectionString(), TRIGGER_STORAGE_PARTITION: partition };
}

/** The real table store on the shared Azurite, in `partition` (a fresh one by default). */
export async function testStore(partition = freshPartition(), groups: readonly string[] = []): Promise<RunStore> {
  const client = TableClient.fromConnectionString(testConnectionString(), storageNames.runsTable, { allowInsecureConnection: true });
  const store = createTableRunStore({ client, partition });
  await store.prepare(groups);
  return store;
}

/**
 * A table client of the shared Azurite whose every request passes a counting proxy (the bench's),
 * and the proxy; close the proxy when done.
 */
export async function countedTableClient(): Promise<{ client: TableClient; proxy: CountingProxy }> {
  const endpoint = new URL(/TableEndpoint=([^;]+)/.exec(testConnectionString())?.[1] ?? "");
  const proxy = await startCountingProxy(endpoint.origin);
  const client = TableClient.fromConnectionString(withTableEndpoint(testConnectionString(), `${proxy.origin}${endpoint.pathname}`), storageNames.runsTable, {
    allowInsecureConnection: true,
  });
  return { client, proxy };
}
