import { describe, expect, it } from "vitest";
import { startedBy } from "../../service/http/caller.js";
import { useArmEmulator } from "../helpers/emulator.js";
import { bodyOf, buildApp, postRun } from "../helpers/service-app.js";

const arm = useArmEmulator();
const logicAppKey = "logic-app-key-0123456789";

describe("who a run was started by", () => {
  it("is the matched key's label, kept with the run and shown by GET /runs/{id} and GET /runs", async () => {
    const { app } = await buildApp(arm.emulator, { config: { auth: { kind: "required", keys: [{ label: "logic-app", value: logicAppKey }] } } });
    const headers = { Authorization: `Bearer ${logicAppKey}` };
    const started = await bodyOf(await postRun(app, { env: {} }, headers));
    expect(started.startedBy).toBe("key:logic-app");
    expect((await bodyOf(await app.request(`/runs/${started.id}`, { headers }))).startedBy).toBe("key:logic-app");
    const listed = await bodyOf(await app.request("/runs", { headers }));
    expect(listed.runs.map((run: { startedBy?: string }) => run.startedBy)).toEqual(["key:logic-app"]);
    expect(JSON.stringify(listed)).not.toContain(logicAppKey);
  });

  it("is nobody when authentication is disabled", async () => {
    const { app } = await buildApp(arm.emulator, { config: { auth: { kind: "none" } } });
    const started = await bodyOf(await app.request("/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }));
    expect(started.status).toBe("starting");
    expect(started).not.toHaveProperty("startedBy");
  });

  it("names an Entra ID caller by client id and object id", () => {
    expect(startedBy({ kind: "entra", appid: "a1", oid: "o1", tid: "t1" })).toBe("entra:a1/o1");
    expect(startedBy({ kind: "anonymous" })).toBeUndefined();
    expect(startedBy(undefined)).toBeUndefined();
  });
});
