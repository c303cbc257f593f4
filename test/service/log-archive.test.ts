import { BlobServiceClient } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";
import { sseParser } from "../../cli/sse.js";
import { storageNames } from "../../service/config-names.js";
import { createBlobLogArchive } from "../../service/store/blob-log-archive.js";
import { eventually, testResourceGroup, testSubscriptionId, useArmEmulator } from "../helpers/emulator.js";
import { auth, bodyOf, buildApp, defaultJob, getWithKey, postRun } from "../helpers/service-app.js";
import { freshPartition, testConnectionString, testStore } from "../helpers/store.js";

const arm = useArmEmulator();

async function archivingApp(options: Parameters<typeof buildApp>[1] = {}) {
  const partition = freshPartition();
  const container = BlobServiceClient.fromConnectionString(testConnectionString()).getContainerClient(storageNames.logContainer);
  const archive = createBlobLogArchive(container, partition);
  await archive.prepare();
  return buildApp(arm.emulator, { store: await testStore(partition), logArchive: { archive }, ...options });
}

type App = Awaited<ReturnType<typeof buildApp>>["app"];
const statusOf = async (app: App, id: string) => bodyOf(await getWithKey(app, `/runs/${id}`));
const logsOf = async (app: App, id: string) => bodyOf(await getWithKey(app, `/runs/${id}/logs`));

describe("a run's log from the archive", () => {
  it("takes the last copy of an ended run before its group is re-created, and serves it after", async () => {
    const { app } = await archivingApp();
    const first = await bodyOf(await postRun(app, { env: { EMULATOR_EXIT_CODE: "3", MARK: "first" } }));
    await eventually(() => statusOf(app, first.id), (run) => run.status === "failed");
    const second = await bodyOf(await postRun(app, { env: { MARK: "second" } }));
    await eventually(() => statusOf(app, second.id), (run) => run.status === "succeeded");

    const logs = await logsOf(app, first.id);
    expect(logs.content).toContain("MARK=first\n");
    expect(logs.content).toMatch(/exit code 3\n$/);
    expect(logs.content).not.toContain("MARK=second");
    expect(await statusOf(app, first.id)).toMatchObject({ status: "failed", log: "complete" });
  });

  it("copies an active run's output on the observer's passes", async () => {
    const { app, reconcile } = await archivingApp();
    const run = await bodyOf(await postRun(app, { env: { EMULATOR_RUN_MS: "600000", MARK: "running" } }));
    await eventually(
      async () => (await reconcile(), logsOf(app, run.id)),
      (logs) => String(logs.content).includes("MARK=running\n"),
    );
    expect((await statusOf(app, run.id)).log).toBeUndefined();
  });

  it("answers the text alone when Accept asks for text/plain, and the last lines with tail", async () => {
    const { app } = await archivingApp();
    const run = await bodyOf(await postRun(app, { env: { MARK: "text" } }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "succeeded");
    const json = await logsOf(app, run.id);
    const text = await app.request(`/runs/${run.id}/logs?tail=1`, { headers: { ...auth, Accept: "text/plain" } });
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await text.text()).toBe("exit code 0\n");
    expect(json.lines).toBe(String(json.content).split("\n").length - 1);
  });

  it("streams an ended run's lines as events with their numbers, then its end, and resumes after Last-Event-ID", async () => {
    const { app } = await archivingApp();
    const run = await bodyOf(await postRun(app, { env: { MARK: "follow" } }));
    await eventually(() => statusOf(app, run.id), (r) => r.status === "succeeded");
    const lines = String((await logsOf(app, run.id)).content).split("\n").slice(0, -1);

    const follow = async (lastEventId?: number) => {
      const res = await app.request(`/runs/${run.id}/logs?follow=true`, { headers: { ...auth, ...(lastEventId ? { "Last-Event-ID": String(lastEventId) } : {}) } });
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      return sseParser().push(await res.text());
    };
    const all = await follow();
    expect(all.slice(0, -1)).toEqual(lines.map((data, i) => ({ event: "message", id: String(i + 1), data })));
    expect(all.at(-1)).toMatchObject({ event: "end", data: '{"status":"succeeded"}' });
    const resumed = await follow(lines.length - 1);
    expect(resumed.map((event) => event.data)).toEqual([lines.at(-1), '{"status":"succeeded"}']);
  });

  it("opens the stream of a queued run at once, and answers a run that is not there 404", async () => {
    const { app } = await archivingApp();
    await postRun(app, { env: { EMULATOR_RUN_MS: "600000" } });
    const queued = await bodyOf(await postRun(app, { env: {} }));
    expect(queued.status).toBe("queued");
    const open = await app.request(`/runs/${queued.id}/logs?follow=true`, { headers: auth });
    expect(open.status).toBe(200);
    expect(open.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await open.body?.cancel();

    const missing = await app.request(`/runs/0190c3a4-5b6d-7e8f-9a0b-1c2d3e4f5a6b/logs?follow=true`, { headers: auth });
    expect(missing.status).toBe(404);
    expect((await bodyOf(missing)).error).toMatchObject({ code: "RunNotFound" });
  });

  it("has an empty log for a run that never started, and 410 for one that started before the service archived logs", async () => {
    const { app, groups, store } = await archivingApp();
    const queued = await bodyOf(await postRun(app, { env: { EMULATOR_RUN_MS: "600000" } }));
    const waiting = await bodyOf(await postRun(app, { env: {} }));
    expect(waiting.status).toBe("queued");
    await app.request(`/runs/${waiting.id}/cancel`, { method: "POST", headers: auth });
    expect(await logsOf(app, waiting.id)).toMatchObject({ content: "" });

    // A service without the archive ran this one; its group was then re-created outside the service.
    const { app: before } = await buildApp(arm.emulator, { groups: [...groups], store });
    await before.request(`/runs/${queued.id}/cancel`, { method: "POST", headers: auth });
    arm.emulator.putGroup(testSubscriptionId, testResourceGroup, groups[0]!, defaultJob(), { terminated: true });
    const gone = await getWithKey(app, `/runs/${queued.id}/logs`);
    expect(gone.status).toBe(410);
    expect((await bodyOf(gone)).error).toMatchObject({ code: "LogsUnavailable", message: expect.stringContaining("before this service archived logs") });
  });

  it("records the log of a run canceled while it waited to retry, so its followers end at once", async () => {
    const { app, reconcile } = await archivingApp({ runDefaults: { maxRetries: 1, startTimeoutSeconds: 600, retryBackoffSeconds: 3600 } });
    const run = await bodyOf(await postRun(app, { env: { EMULATOR_EXIT_CODE: "3", MARK: "first" } }));
    await eventually(
      async () => (await reconcile(), statusOf(app, run.id)),
      (seen) => seen.status === "retrying",
    );
    // The attempt's last copy is settled on a pass after its end: its group is free and owes it.
    await reconcile();
    await app.request(`/runs/${run.id}/cancel`, { method: "POST", headers: auth });
    const canceled = await eventually(
      async () => (await reconcile(), statusOf(app, run.id)),
      (seen) => seen.status === "canceled" && seen.log !== undefined,
    );
    expect(canceled).toMatchObject({ status: "canceled", attempt: 1, log: "complete" });
    expect((await logsOf(app, run.id)).content).toContain("MARK=first\n");
    const follow = await getWithKey(app, `/runs/${run.id}/logs?follow=true`);
    const events = sseParser().push(await follow.text());
    expect(events.at(-1)).toMatchObject({ event: "end" });
  });
});
