import { startAzurite } from "../../emulator/azurite.js";

/**
 * Vitest globalSetup: one Azurite for the whole run. Every fixture keeps its runs in a partition
 * of its own (see `storageEnv`), so files running at once never see each other's runs, and a
 * service process restarted inside a test finds its runs again.
 */
export default async function setup() {
  const azurite = await startAzurite();
  process.env["TEST_STORAGE_CONNECTION_STRING"] = azurite.connectionString;
  return async () => {
    delete process.env["TEST_STORAGE_CONNECTION_STRING"];
    await azurite.close();
  };
}
