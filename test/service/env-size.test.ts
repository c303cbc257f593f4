import { describe, expect, it } from "vitest";
import { maxEnvBytesCap, maxStoredRequestBytes } from "../../service/core/limits.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, getWithKey, postRun, testConfig } from "../helpers/service-app.js";

const arm = useArmEmulator();

/** The largest limits a config accepts: the env cap, and a body limit that lets any such env in. */
const limits = { ...testConfig().limits, maxEnvBytes: maxEnvBytesCap, maxBodyBytes: 16 * 1024 * 1024 };

describe("a run's env and the store's entity size", () => {
  it("keeps an env of the capped size, plain text, whole", async () => {
    const { app } = await buildApp(arm.emulator, { config: { limits } });
    const env = { BIG: "x".repeat(maxEnvBytesCap - 3) };
    const res = await postRun(app, { env });
    expect(res.status).toBe(202);
    const run = await bodyOf(await getWithKey(app, `/runs/${(await bodyOf(res)).id}`));
    expect(run.env).toEqual(env);
  });

  it("refuses a start whose env outgrows what the store keeps with 413 PayloadTooLarge, recording nothing", async () => {
    const { app, runs } = await buildApp(arm.emulator, { config: { limits } });
    // Within the byte limit, but each control character takes six as JSON.
    const res = await postRun(app, { env: { ODD: "\u0001".repeat(maxEnvBytesCap / 2) } });
    expect(res.status).toBe(413);
    const body = await bodyOf(res);
    expect(body.error.code).toBe("PayloadTooLarge");
    expect(body.error.message).toContain(String(maxStoredRequestBytes));
    expect((await runs.list({ limit: 10 })).runs).toEqual([]);
  });
});
