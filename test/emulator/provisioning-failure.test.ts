import { describe, expect, it } from "vitest";
import {
  eventually,
  fastPolling,
  groupPath,
  jobGroup,
  jobGroupModel,
  rawArm,
  testResourceGroup as rg,
  testSubscriptionId as sub,
  useArmEmulator,
} from "../helpers/emulator.js";

const arm = useArmEmulator();

const pullFailure = { name: "EMULATOR_PULL_FAILURE", value: "1" };
const notFound = /^Failed to pull image "registry\.example\/job:1": .*not found$/;

describe("a container whose image cannot be pulled", () => {
  it("fails the SDK's long-running PUT, and the group then reads provisioningState Failed with the pull's Warning event", async () => {
    await expect(arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "pull-fails", jobGroupModel([pullFailure]), fastPolling)).rejects.toThrow(
      "The long-running operation has failed",
    );

    const group = await arm.client.containerGroups.get(rg, "pull-fails");
    expect(group.provisioningState).toBe("Failed");
    expect(group.instanceView?.state).toBe("Pending");
    const view = group.containers[0]?.instanceView;
    expect(view?.restartCount).toBe(0);
    expect(view?.currentState).toEqual({ state: "Waiting", detailStatus: "" });
    expect(view?.events?.map((e) => [e.name, e.type])).toEqual([["Pulling", "Normal"], ["Failed", "Warning"]]);
    expect(view?.events?.[1]?.message).toMatch(notFound);
  });

  it("reports the async operation Failed with an error message and no code, and the events", async () => {
    const put = await rawArm(arm.client, arm.emulator, "PUT", `${groupPath("pull-fails-op")}?api-version=2023-05-01`, jobGroup([pullFailure]));
    expect(put.status).toBe(201);
    const operationUrl = new URL(put.headers["azure-asyncoperation"] ?? "");
    const operation = () => rawArm(arm.client, arm.emulator, "GET", operationUrl.pathname + operationUrl.search);
    const failed = await eventually(operation, (r) => r.body.status === "Failed");
    expect(failed.status).toBe(200);
    expect(failed.body).toEqual({
      id: groupPath("pull-fails-op"),
      status: "Failed",
      startTime: expect.any(String),
      properties: {
        events: [
          expect.objectContaining({ name: "Pulling", type: "Normal" }),
          expect.objectContaining({ name: "Failed", type: "Warning", message: expect.stringMatching(notFound) }),
        ],
      },
      error: { message: expect.stringMatching(notFound) },
    });
  });

  it("takes the knob from a secure value as well", async () => {
    arm.emulator.putGroup(sub, rg, "pull-fails-secure", jobGroup([{ name: "EMULATOR_PULL_FAILURE", secureValue: "yes" }]), { terminated: true });
    expect((await arm.client.containerGroups.get(rg, "pull-fails-secure")).provisioningState).toBe("Failed");
  });

  it("serves empty logs for the container that never started", async () => {
    arm.emulator.putGroup(sub, rg, "pull-fails-logs", jobGroup([pullFailure]), { terminated: true });
    expect(await arm.client.containers.listLogs(rg, "pull-fails-logs", "job")).toMatchObject({ content: "" });
  });

  it("answers stop with 204 and changes nothing", async () => {
    arm.emulator.putGroup(sub, rg, "pull-fails-stop", jobGroup([pullFailure]), { terminated: true });
    await arm.client.containerGroups.stop(rg, "pull-fails-stop");
    expect(arm.emulator.requests.at(-1)).toMatchObject({ method: "POST", status: 204 });
    const group = await arm.client.containerGroups.get(rg, "pull-fails-stop");
    expect(group.provisioningState).toBe("Failed");
    expect(group.instanceView?.state).toBe("Pending");
  });

  it("provisions and runs normally after a PUT without the knob, with no previousState for the container that never started", async () => {
    arm.emulator.putGroup(sub, rg, "pull-fails-then-ok", jobGroup([pullFailure]), { terminated: true });
    const created = await arm.client.containerGroups.beginCreateOrUpdateAndWait(rg, "pull-fails-then-ok", jobGroupModel(), fastPolling);
    expect(created.provisioningState).toBe("Succeeded");

    const done = await eventually(() => arm.client.containerGroups.get(rg, "pull-fails-then-ok"), (g) => g.instanceView?.state === "Succeeded");
    const view = done.containers[0]?.instanceView;
    expect(view?.currentState).toMatchObject({ state: "Terminated", exitCode: 0, detailStatus: "Completed" });
    expect(view?.events?.map((e) => e.name)).toEqual(["Pulling", "Pulled", "Started"]);
    expect(view?.previousState).toBeUndefined();
  });
});
