import { describe, expect, it } from "vitest";
import { configNames } from "../../service/config-names.js";
import type { WebhookTarget } from "../../service/runs/apply-transition.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, getWithKey, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();

const target: WebhookTarget = { url: "https://operator.example/hook", allowedOrigins: new Set(["https://operator.example", "https://callers.example"]) };
/** Holds a run in Running until the test ends it. */
const longRun = { EMULATOR_RUN_MS: "600000" };

describe("POST /runs with a webhookUrl", () => {
  it("accepts a URL on a listed origin, keeps it on the run and sends the run's events there and to the service's receiver", async () => {
    const { app, store } = await buildApp(arm.emulator, { webhook: target });
    const res = await postRun(app, { env: longRun, webhookUrl: "https://callers.example/team-a/hook?x=1" });
    expect(res.status).toBe(202);
    const run = await bodyOf(res);
    expect(run.webhookUrl).toBe("https://callers.example/team-a/hook?x=1");
    expect(await bodyOf(await getWithKey(app, `/runs/${run.id}`))).toMatchObject({ id: run.id, webhookUrl: "https://callers.example/team-a/hook?x=1" });

    expect((await app.request(`/runs/${run.id}/cancel`, { method: "POST", headers: auth })).status).toBe(200);
    const rows = await store.deliveries(run.id);
    // Each event (run.started once the cancel's read saw it running, then run.canceled) goes to both.
    for (const type of new Set(rows.map((row) => row.type))) {
      const ofType = rows.filter((row) => row.type === type);
      expect(ofType.map((row) => row.url).sort()).toEqual(["https://callers.example/team-a/hook?x=1", "https://operator.example/hook"]);
      expect(new Set(ofType.map((row) => row.id)).size).toBe(2);
      expect(new Set(ofType.map((row) => row.body)).size).toBe(1);
    }
    expect(rows.filter((row) => row.type === "run.canceled")).toHaveLength(2);
    const listed = await bodyOf(await getWithKey(app, `/runs/${run.id}/deliveries`));
    expect(listed.deliveries).toHaveLength(rows.length);
  });

  it("refuses a URL on an unlisted origin with 400 WebhookUrlNotAllowed naming the setting, and starts nothing", async () => {
    const { app, store } = await buildApp(arm.emulator, { webhook: target });
    for (const webhookUrl of ["https://elsewhere.example/hook", "http://callers.example/hook", "https://callers.example:8443/hook", "https://169.254.169.254/latest"]) {
      const res = await postRun(app, { env: {}, webhookUrl });
      expect(res.status).toBe(400);
      const { error } = await bodyOf(res);
      expect(error.code).toBe("WebhookUrlNotAllowed");
      expect(error.message).toContain(configNames.webhookAllowedOrigins);
    }
    expect((await store.listRuns({ limit: 10 })).runs).toEqual([]);
  });

  it("refuses every webhookUrl where the operator configured no webhook at all", async () => {
    const { app } = await buildApp(arm.emulator);
    const { error } = await bodyOf(await postRun(app, { env: {}, webhookUrl: "https://callers.example/hook" }));
    expect(error).toMatchObject({ code: "WebhookUrlNotAllowed", message: expect.stringContaining(configNames.webhookAllowedOrigins) });
  });

  it("treats another webhookUrl under the same Idempotency-Key as a different body", async () => {
    const { app } = await buildApp(arm.emulator, { webhook: target });
    const key = { "Idempotency-Key": "webhook-url-repeat" };
    const first = await bodyOf(await postRun(app, { env: longRun, webhookUrl: "https://callers.example/a" }, key));
    const repeat = await postRun(app, { env: longRun, webhookUrl: "https://callers.example/a" }, key);
    expect(repeat.status).toBe(202);
    expect(repeat.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await bodyOf(repeat)).id).toBe(first.id);
    for (const body of [{ env: longRun, webhookUrl: "https://callers.example/b" }, { env: longRun }]) {
      const other = await postRun(app, body, key);
      expect(other.status).toBe(422);
      expect((await bodyOf(other)).error).toMatchObject({ code: "IdempotencyKeyReused", runId: first.id });
    }
  });
});
