import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCuttableLink, type CuttableLink } from "../helpers/cuttable-link.js";
import { eventually } from "../helpers/emulator.js";
import { runsClient, type ApiAnswer } from "../helpers/runs-client.js";
import { testConnectionString } from "../helpers/store.js";
import { startTrigger, type Trigger } from "../helpers/trigger-fixture.js";

const apiKey = "log-outage-key-0123456789";
const finalCopyTimeoutMs = 500;

describe("Blob Storage out of reach while a run prints", () => {
  let trigger: Trigger;
  let link: CuttableLink;

  beforeAll(async () => {
    const connectionString = testConnectionString();
    const blobEndpoint = /BlobEndpoint=([^;]+)/.exec(connectionString)?.[1];
    if (!blobEndpoint) throw new Error("the test store's connection string names no BlobEndpoint");
    link = await startCuttableLink(blobEndpoint);
    const throughLink = connectionString.replace(blobEndpoint, link.url.replace(/\/$/, ""));
    trigger = await startTrigger({
      apiKey,
      services: [{ TRIGGER_STORAGE_CONNECTION_STRING: throughLink, TRIGGER_LOG_COPY_INTERVAL_MS: "100", TRIGGER_LOG_FINAL_COPY_TIMEOUT_MS: String(finalCopyTimeoutMs) }],
    });
  });
  afterAll(async () => {
    await link?.cut();
    await trigger?.close();
  });

  it("ends the run, hands its group on within the final copy's deadline, and marks its log incomplete", async () => {
    const client = runsClient(trigger.services[0]!.url, apiKey);
    const first = await client.start({ env: { EMULATOR_LOG_LINES: "400", EMULATOR_LOG_LINES_PER_SECOND: "200" } });
    const second = await client.start({ env: { EMULATOR_EXIT_CODE: "0" } });
    expect(second.body.status).toBe("queued");
    await eventually(() => client.logs(first.body.id!), (answer: ApiAnswer) => /^line 1$/m.test(answer.body.content ?? ""));
    // Blob Storage hangs: no answer, no refusal, as long as the SDK waits (10 s a try).
    link.stall();

    await client.waitFor(first.body.id!, ["succeeded"]);
    // The stall never lifts before the cut below, so the final copy cannot finish: the next run
    // can only get the group because the copy's deadline let it go, and the log says so.
    expect((await client.waitFor(second.body.id!, ["succeeded"])).body.status).toBe("succeeded");
    expect((await client.status(first.body.id!)).body).toMatchObject({ status: "succeeded", log: "incomplete" });
    await link.cut();
    expect((await client.logs(first.body.id!)).body.error).toMatchObject({ code: "StoreUnavailable" });
  });
});
