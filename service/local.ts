import { startAzurite } from "../emulator/azurite.js";
import { demoGroup, startEmulator, trustCertificate } from "../emulator/index.js";
import type { WireContainerGroup } from "./arm-types.js";
import { configNames } from "./config-names.js";
import { secretsOf } from "./definition-secrets.js";
import { startServer } from "./server.js";

/**
 * `npm start`: with Azure configured (AZURE_SUBSCRIPTION_ID set) this is the ordinary server.
 * Without it, the service runs against the embedded ARM emulator holding a demo group, and keeps
 * its runs in Azurite (Microsoft's storage emulator, in memory) started beside it, so a new user
 * can try every route with no Azure account. This is the one file of the service that imports
 * the emulators.
 */
const demo = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "demo",
  containerGroup: "demo-job",
  clientId: "00000000-0000-0000-0000-0000000000c1",
};

if (process.env[configNames.subscriptionId]) {
  await startServer(process.env);
} else {
  const [emulator, azurite] = await Promise.all([startEmulator(), startAzurite()]);
  trustCertificate(emulator.caCertPem);
  const group = demoGroup();
  emulator.putGroup(demo.subscriptionId, demo.resourceGroup, demo.containerGroup, group, { terminated: true });
  // @azure/identity finds the managed-identity endpoint in the process environment, exactly as
  // it does in a Container App.
  process.env["IDENTITY_ENDPOINT"] = emulator.identityEndpoint;
  process.env["IDENTITY_HEADER"] = emulator.identityHeader;
  const keys = process.env[configNames.apiKeys];
  await startServer(
    {
      ...process.env,
      [configNames.subscriptionId]: demo.subscriptionId,
      [configNames.resourceGroup]: demo.resourceGroup,
      [configNames.containerGroup]: demo.containerGroup,
      [configNames.storageConnectionString]: azurite.connectionString,
      [configNames.clientId]: demo.clientId,
      [configNames.armEndpoint]: emulator.url,
      [configNames.secrets]: JSON.stringify(secretsOf(group as unknown as WireContainerGroup)),
      // Without keys of their own the demo listens on loopback only, and without authentication.
      ...(keys ? {} : { [configNames.allowUnauthenticated]: "true" }),
    },
    { mode: "local-emulator", storage: "azurite", hostname: keys ? undefined : "127.0.0.1" },
  );
}
