import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { dispatchProblems } from "../../infra/validate-dispatch.js";
import { argumentProblems } from "../../infra/validate.js";

const valid: Record<string, unknown> = { image: "registry.example/job:1", serviceImage: "registry.example/trigger:1" };
const standby = { ...valid, dispatch: "standby", command: ["python", "job.py"], standby: { providerPrincipalId: "5b3e6f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b" } };
const missingProvider =
  `Missing "standby.providerPrincipalId": the object id of the "Standby Pool Resource Provider" service principal of your tenant ` +
  `(az ad sp list --display-name "Standby Pool Resource Provider" --query "[0].id" -o tsv).`;

describe("dispatchProblems", () => {
  it("accepts pool dispatch by default or by name, and a complete standby dispatch", () => {
    expect(dispatchProblems(valid)).toEqual([]);
    expect(dispatchProblems({ ...valid, dispatch: "pool", poolSize: 3 })).toEqual([]);
    expect(dispatchProblems(standby)).toEqual([]);
    expect(dispatchProblems({ ...standby, standby: { providerPrincipalId: pulumi.output("id"), maxReadyCapacity: 0 } })).toEqual([]);
  });

  it("refuses an unknown mode, naming the ones there are", () => {
    expect(dispatchProblems({ ...valid, dispatch: "warm" })).toEqual([`Invalid "dispatch": must be one of "pool", "standby", got "warm".`]);
  });

  it("refuses standby settings without standby dispatch", () => {
    expect(dispatchProblems({ ...valid, standby: standby.standby })).toEqual([`Invalid "standby": used only with "dispatch": "standby".`]);
  });

  it("needs the job's command, no pool size and the provider's principal in standby dispatch, saying how to find it", () => {
    expect(dispatchProblems({ ...valid, dispatch: "standby", poolSize: 2 })).toEqual([
      `Missing "command": standby dispatch starts the job through the launcher, which runs the job's command; ACI cannot read an image's entrypoint.`,
      `Invalid "poolSize": standby dispatch keeps no fixed worker groups; set "standby.maxReadyCapacity" instead.`,
      missingProvider,
    ]);
  });

  it("refuses a ready capacity the StandbyPool API refuses", () => {
    for (const maxReadyCapacity of [-1, 2001, 1.5, "3"]) {
      expect(dispatchProblems({ ...standby, standby: { ...standby.standby, maxReadyCapacity } })).toEqual([
        `Invalid "standby.maxReadyCapacity": must be a whole number of ready groups from 0 to 2000, got ${JSON.stringify(maxReadyCapacity)}.`,
      ]);
    }
  });

  it("is part of every argument check", () => {
    expect(argumentProblems({ ...valid, dispatch: "standby", command: ["job"] })).toEqual([missingProvider]);
  });
});
