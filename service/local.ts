import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAzurite } from "../emulator/azurite.js";
import { demoGroup, startEmulator, trustCertificate } from "../emulator/index.js";
import type { WireContainerGroup } from "./core/arm-types.js";
import { ConfigError } from "./config-error.js";
import { configNames } from "./config-names.js";
import { secretsOf } from "./core/definition-secrets.js";
import { createLogger } from "./logger.js";
import { startServer, type RunningServer } from "./server.js";

/**
 * `npm start`: with Azure configured (AZURE_SUBSCRIPTION_ID set) this is the ordinary server.
 * Without it, the service runs against the embedded ARM emulator holding a demo group, and keeps
 * its runs in Azurite (Microsoft's storage emulator, in memory) started beside it, so a new user
 * can try every route with no Azure account, with a key, an emulated Entra ID token, or (without
 * TRIGGER_API_KEYS) no credential at all. This is the one file of the service that imports the
 * emulators.
 */
const demo = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "demo",
  containerGroup: "demo-job",
  clientId: "00000000-0000-0000-0000-0000000000c1",
  role: "Runs.Trigger",
};

/** One line on stderr, in the shape of the service's own log lines, before any logger exists. */
function say(level: "info" | "error", msg: string): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg })}\n`);
}

/** The server once it listens; a wrong variable ends the process with its message, not a stack. */
async function started(starting: Promise<RunningServer>): Promise<RunningServer> {
  try {
    return await starting;
  } catch (error) {
    // The message names each variable at fault (never its value); a stack trace adds nothing.
    if (!(error instanceof ConfigError)) throw error;
    say("error", error.message);
    process.exit(1);
  }
}

if (process.env[configNames.subscriptionId]) {
  say("info", `npm start: Azure mode, because ${configNames.subscriptionId} is set; for the local demo instead, run \`env -u ${configNames.subscriptionId} npm start\``);
  await started(startServer(process.env));
} else {
  say("info", `npm start: local demo (ARM emulator and Azurite, no Azure needed), because ${configNames.subscriptionId} is not set`);
  const [emulator, azurite] = await Promise.all([startEmulator(), startAzurite()]);
  trustCertificate(emulator.caCertPem);
  const group = demoGroup();
  emulator.putGroup(demo.subscriptionId, demo.resourceGroup, demo.containerGroup, group, { terminated: true });
  // @azure/identity finds the managed-identity endpoint in the process environment, exactly as
  // it does in a Container App.
  process.env["IDENTITY_ENDPOINT"] = emulator.identityEndpoint;
  process.env["IDENTITY_HEADER"] = emulator.identityHeader;
  const keys = process.env[configNames.apiKeys];
  const caller = emulator.entra.registerClient({ roles: [demo.role] });
  // curl needs the emulator's certificate in a file; it lives as long as this process.
  const caDir = mkdtempSync(join(tmpdir(), "aci-trigger-local-"));
  const caFile = join(caDir, "emulator-ca.pem");
  writeFileSync(caFile, emulator.caCertPem);
  process.once("exit", () => rmSync(caDir, { recursive: true, force: true }));
  const server = await started(startServer(
    {
      ...process.env,
      [configNames.subscriptionId]: demo.subscriptionId,
      [configNames.resourceGroup]: demo.resourceGroup,
      [configNames.containerGroup]: demo.containerGroup,
      [configNames.storageConnectionString]: azurite.connectionString,
      [configNames.clientId]: demo.clientId,
      [configNames.armEndpoint]: emulator.url,
      [configNames.secrets]: JSON.stringify(secretsOf(group as unknown as WireContainerGroup)),
      [configNames.entraTenantId]: emulator.entra.tenantId,
      [configNames.entraAudience]: emulator.entra.api.appId,
      [configNames.entraRequiredRole]: demo.role,
      [configNames.entraAuthority]: emulator.entra.authority,
    },
    // Without keys of their own, callers need no credential and the demo listens on loopback only.
    { mode: "local-emulator", storage: "azurite", allowAnonymous: !keys },
  ));
  const tokenCommand =
    `curl -s --cacert ${caFile} ${emulator.entra.tokenEndpoint} -d grant_type=client_credentials ` +
    `-d client_id=${caller.clientId} -d client_secret=${caller.clientSecret} -d scope=${emulator.entra.api.identifierUri}/.default`;
  const logger = createLogger({ level: "info" });
  logger.info("the page: open it in a browser", { url: `http://127.0.0.1:${server.port}/` });
  // The emulator's own demo client, not a real credential: printing it is what lets a user try tokens.
  logger.info("emulated Entra ID: get an access token, then call with Authorization: Bearer <access_token>", { tokenCommand });
}
