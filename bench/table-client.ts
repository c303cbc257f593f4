import { TableClient } from "@azure/data-tables";
import { Agent } from "node:http";
import { storageNames } from "../service/config-names.js";

/**
 * A client of the runs table for the bench's own reads and writes, over connections of its own.
 * `close()` ends them: Azurite's shutdown otherwise waits minutes for kept-alive connections.
 */
export function openRunsTable(connectionString: string): { client: TableClient; close(): void } {
  const agent = new Agent({ keepAlive: true });
  const client = TableClient.fromConnectionString(connectionString, storageNames.runsTable, { allowInsecureConnection: true, agent });
  return { client, close: () => agent.destroy() };
}
