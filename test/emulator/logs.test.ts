import { beforeAll, describe, expect, it } from "vitest";
import { eventually, groupPath, jobGroup, rawArm, testResourceGroup as rg, testSubscriptionId as sub, useArmEmulator } from "../helpers/emulator.js";

const arm = useArmEmulator();

beforeAll(async () => {
  arm.emulator.putGroup(
    sub,
    rg,
    "logs",
    jobGroup([
      { name: "MODE", value: "full" },
      { name: "TOKEN", secureValue: "top-secret-value" },
      { name: "EMULATOR_EXIT_CODE", value: "2" },
    ]),
    { terminated: true },
  );
});

describe("container logs", () => {
  it("prints the run start, the command, each env var and the exit code, never a secure value", async () => {
    const { content } = await arm.client.containers.listLogs(rg, "logs", "job");
    expect(content).toBe("run started\ncommand: node job.js\nMODE=full\nTOKEN=[secure]\nEMULATOR_EXIT_CODE=2\nexit code 2\n");
    expect(content).not.toContain("top-secret-value");
  });

  it("prints secure values as a real container would when the command runs env or printenv", async () => {
    for (const [name, command] of [["env-dump", ["env"]], ["env-shell", ["/bin/sh", "-c", "echo start; /usr/bin/printenv | sort"]]] as const) {
      const body = jobGroup([{ name: "TOKEN", secureValue: "top-secret-value" }]);
      (body["properties"] as { containers: Array<{ properties: { command: string[] } }> }).containers[0]!.properties.command = [...command];
      arm.emulator.putGroup(sub, rg, name, body, { terminated: true });
      const { content } = await arm.client.containers.listLogs(rg, name, "job");
      expect(content).toContain("TOKEN=top-secret-value\n");
    }
  });

  it("keeps the last N lines with tail", async () => {
    const { content } = await arm.client.containers.listLogs(rg, "logs", "job", { tail: 2 });
    expect(content).toBe("EMULATOR_EXIT_CODE=2\nexit code 2\n");
  });

  it("prefixes each line with its time with timestamps=true, the exit line at the finish time", async () => {
    const { content } = await arm.client.containers.listLogs(rg, "logs", "job", { tail: 2, timestamps: true });
    const lines = content?.trimEnd().split("\n") ?? [];
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z EMULATOR_EXIT_CODE=2$/);
    const group = await arm.client.containerGroups.get(rg, "logs");
    expect(lines[1]).toBe(`${group.containers[0]?.instanceView?.currentState?.finishTime?.toISOString()} exit code 2`);
  });

  it("answers on the wire as {content}", async () => {
    const response = await rawArm(arm.client, arm.emulator, "GET", `${groupPath("logs", "/containers/job/logs")}?api-version=2023-05-01&tail=1`);
    expect(response.body).toEqual({ content: "exit code 2\n" });
  });

  it("is empty while the container has not started", async () => {
    arm.emulator.putGroup(sub, rg, "logs-waiting", jobGroup([{ name: "EMULATOR_PENDING_MS", value: "600000" }]));
    expect((await arm.client.containers.listLogs(rg, "logs-waiting", "job")).content).toBe("");
  });

  it("has no exit line for a container a stop terminated, which has no exit code", async () => {
    arm.emulator.putGroup(sub, rg, "logs-stopped", jobGroup([{ name: "EMULATOR_RUN_MS", value: "600000" }]));
    await eventually(() => arm.client.containerGroups.get(rg, "logs-stopped"), (g) => g.instanceView?.state === "Running");
    await arm.client.containerGroups.stop(rg, "logs-stopped");
    const { content } = await arm.client.containers.listLogs(rg, "logs-stopped", "job");
    expect(content).toBe("run started\ncommand: node job.js\nEMULATOR_RUN_MS=600000\n");
  });

  it("answers 404 for an unknown container", async () => {
    await expect(arm.client.containers.listLogs(rg, "logs", "nope")).rejects.toMatchObject({ statusCode: 404, code: "ContainerNotFound" });
  });
});
