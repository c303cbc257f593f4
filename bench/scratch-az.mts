import { startAzurite } from "../emulator/azurite.js";
import { openRunsTable } from "./table-client.js";
const az = await startAzurite();
const t = openRunsTable(az.connectionString);
await t.client.createTable();
t.close(); await new Promise(r => setTimeout(r, 100)); console.log(process.getActiveResourcesInfo());
const t1 = performance.now();
await az.close(); console.log("azurite close", performance.now() - t1);
