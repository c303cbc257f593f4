import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { storageNames } from "../../service/config-names.js";
import { ServiceError } from "../../service/core/service-error.js";
import { errorCodes } from "../../service/http/error-codes.js";
import { toErrorResponse } from "../../service/http/errors.js";
import { createTableRunStore } from "../../service/store/table-run-store.js";
import { startCuttableLink } from "../helpers/cuttable-link.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, postRun } from "../helpers/service-app.js";
import { freshPartition, testConnectionString } from "../helpers/store.js";

const arm = useArmEmulator();

describe("a domain error as an HTTP answer", () => {
  it("takes its status from the code's row of the table and its body from the code, message and details", () => {
    const answer = toErrorResponse(new ServiceError("RunInProgress", "Run r-1 is still in progress.", { details: { runId: "r-1" } }));
    expect(answer).toEqual({
      status: errorCodes.RunInProgress.status,
      body: { error: { code: "RunInProgress", message: "Run r-1 is still in progress.", runId: "r-1" } },
      headers: {},
      unexpected: false,
    });
  });

  it("says how long to wait in whole seconds, rounded up", () => {
    const header = (retryAfterMs: number) => toErrorResponse(new ServiceError("ArmBusy", "busy", { retryAfterMs })).headers["Retry-After"];
    expect([header(10), header(1000), header(1001), header(30_000)]).toEqual(["1", "1", "2", "30"]);
  });

  it("challenges a caller without credentials", () => {
    expect(toErrorResponse(new ServiceError("Unauthorized", "no")).headers).toEqual({ "WWW-Authenticate": "Bearer" });
  });
});

describe("the run store out of reach", () => {
  it("answers a start 503 StoreUnavailable with a Retry-After, and nothing of the store's own error", async () => {
    const connectionString = testConnectionString();
    const tableEndpoint = /TableEndpoint=([^;]+)/.exec(connectionString)?.[1];
    if (!tableEndpoint) throw new Error("the test store's connection string names no TableEndpoint");
    const link = await startCuttableLink(tableEndpoint);
    const client = TableClient.fromConnectionString(connectionString.replace(tableEndpoint, link.url), storageNames.runsTable, {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
    });
    const store = createTableRunStore({ client, partition: freshPartition() });
    const { app } = await buildApp(arm.emulator, { store });
    await link.cut();

    const res = await postRun(app, { env: {} });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(await bodyOf(res)).toEqual({ error: { code: "StoreUnavailable", message: "The run store failed or could not be reached." } });
  });
});
