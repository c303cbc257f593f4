import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { apiKeyProblems, argumentProblems, environmentNameProblems, environmentProblems } from "../../infra/validate.js";
import { reservedEnvNames } from "../../service/core/run-request.js";

const valid = { image: "registry.example/job:1", serviceImage: "registry.example/trigger:1" };

describe("argumentProblems", () => {
  it("accepts a minimal configuration", () => {
    expect(argumentProblems(valid)).toEqual([]);
  });

  it("names the missing worker image", () => {
    expect(argumentProblems({ ...valid, image: "  " })).toEqual([
      `Missing "image": the worker's container image is required (pulumi config set image <ref>).`,
    ]);
  });

  it("refuses a worker image that is not an image reference, by the service's own rule", () => {
    for (const image of ["Jobs/Report:1.4", "jobs/report 1.4", " jobs/report:1.4"]) {
      expect(argumentProblems({ ...valid, image })).toEqual([`Invalid "image": must be a container image reference, such as registry.example/team/job:1.4.`]);
    }
  });

  it("refuses a non-positive or non-numeric CPU and memory", () => {
    expect(argumentProblems({ ...valid, cpu: -1, memoryInGB: 0 })).toEqual([
      `Invalid "cpu": must be a positive number of cores, got -1.`,
      `Invalid "memoryInGB": must be a positive number of GB, got 0.`,
    ]);
    expect(argumentProblems({ ...valid, cpu: Number.NaN })).toEqual([`Invalid "cpu": must be a positive number of cores, got null.`]);
  });

  it("refuses env names ACI rejects, in plain and secure env", () => {
    expect(argumentProblems({ ...valid, environment: { GOOD_1: "x", "BAD-NAME": "y" }, secureEnvironment: { "9LIVES": "z" } })).toEqual([
      `Invalid "environment": "BAD-NAME" is not a valid environment variable name (letters, digits and _, not starting with a digit).`,
      `Invalid "secureEnvironment": "9LIVES" is not a valid environment variable name (letters, digits and _, not starting with a digit).`,
    ]);
  });

  it("refuses a variable that is both plain and secure", () => {
    expect(argumentProblems({ ...valid, environment: { TOKEN: "a" }, secureEnvironment: { TOKEN: "b" } })).toEqual([
      `Invalid "secureEnvironment": "TOKEN" is also set in "environment"; a variable is either plain or secure.`,
    ]);
  });

  it("refuses a command that is not a list of strings", () => {
    expect(argumentProblems({ ...valid, command: "python job.py" })).toEqual([
      `Invalid "command": must be a list of strings, e.g. ["python", "job.py"].`,
    ]);
  });

  it("refuses container names ACI rejects", () => {
    expect(argumentProblems({ ...valid, containerName: "Worker--1" })).toEqual([
      `Invalid "containerName": "Worker--1" must be 1–63 lowercase letters, digits or single hyphens, not starting or ending with a hyphen.`,
    ]);
  });

  it("wants exactly one source for the service image", () => {
    expect(argumentProblems({ image: "x" })).toEqual([
      `Missing "serviceImage": give a ready service image or a build context for the service.`,
    ]);
    expect(argumentProblems({ ...valid, serviceBuild: { context: "." } })).toEqual([
      `Invalid "serviceImage": give either a ready service image or a build of this repository, not both.`,
    ]);
  });

  it("refuses malformed API keys", () => {
    expect(argumentProblems({ ...valid, apiKeys: "one-key-of-16-chars,,two-key-of-16-chars" })).toEqual([
      `Invalid "apiKeys": must be a comma-separated list of keys of visible ASCII without spaces (they travel in an Authorization header).`,
    ]);
  });

  it("refuses unknown service settings", () => {
    expect(argumentProblems({ ...valid, serviceSettings: { logLevel: "debug", maxRuns: "2" } })).toEqual([
      `Invalid "serviceSettings": unknown setting "maxRuns" (known: allowedEnvNames, maxEnvCount, maxEnvBytes, maxBodyBytes, armRetryTimeoutMs, armRequestTimeoutMs, maxQueued, runRetentionDays, reconcileIntervalMs, allowCommand, logLevel, defaultTimeoutSeconds, maxTimeoutSeconds, startTimeoutSeconds, defaultMaxRetries, retryBackoffSeconds).`,
    ]);
  });

  it("refuses API keys shorter than the service's minimum, by position and never by value", () => {
    expect(argumentProblems({ ...valid, apiKeys: "a-key-long-enough-1,short" })).toEqual([
      `Invalid "apiKeys": key 2 of 2 is shorter than 16 characters, the service's minimum.`,
    ]);
    expect(apiKeyProblems("exactly16chars!!")).toEqual([]);
  });

  it("refuses a pool that is not a whole number from 1 to 50", () => {
    for (const poolSize of [0, 2.5, 51, -1]) {
      expect(argumentProblems({ ...valid, poolSize })).toEqual([
        `Invalid "poolSize": must be a whole number of worker groups from 1 to 50, got ${poolSize}.`,
      ]);
    }
    expect(argumentProblems({ ...valid, poolSize: 50 })).toEqual([]);
  });

  it("keeps the trigger- tag prefix for the service and wants string tag values", () => {
    expect(argumentProblems({ ...valid, tags: { team: "jobs", "Trigger-Run": "x", cost: 3 } })).toEqual([
      `Invalid "tags": "Trigger-Run" starts with "trigger-", which the service keeps for its own tags.`,
      `Invalid "tags": the value of "cost" must be a string.`,
    ]);
  });

  it.each([...reservedEnvNames])("refuses %s in the worker's env, plain or secure: the service reserves it", (name) => {
    expect(argumentProblems({ ...valid, environment: { [name]: "x" } })).toEqual([
      `Invalid "environment": "${name}" is set by the service on each run, never by the stack.`,
    ]);
    expect(environmentProblems({}, { [name]: "x" })).toEqual([
      `Invalid "secureEnvironment": "${name}" is set by the service on each run, never by the stack.`,
    ]);
  });

  it("refuses TRIGGER_BASE in the worker's env, the name the service keeps its bookkeeping under", () => {
    expect(argumentProblems({ ...valid, environment: { TRIGGER_BASE: "{}" } })).toEqual([
      `Invalid "environment": "TRIGGER_BASE" is set by the service on each run, never by the stack.`,
    ]);
  });

  it("finds every env problem once both maps are known", () => {
    expect(environmentProblems({ TOKEN: "a", "BAD-": "b" }, { TOKEN: "c" })).toEqual([
      `Invalid "environment": "BAD-" is not a valid environment variable name (letters, digits and _, not starting with a digit).`,
      `Invalid "secureEnvironment": "TOKEN" is also set in "environment"; a variable is either plain or secure.`,
    ]);
  });

  it("leaves values that are still outputs for later", () => {
    expect(
      argumentProblems({
        image: pulumi.output("x"),
        cpu: pulumi.output(0),
        serviceImage: Promise.resolve("y"),
        secureEnvironment: pulumi.secret({ "BAD-": "v" }),
        apiKeys: pulumi.secret("short"),
      }),
    ).toEqual([]);
  });
});

describe("environmentNameProblems", () => {
  it("accepts names starting with a letter or underscore", () => {
    expect(environmentNameProblems("secureEnvironment", ["_X", "a1", "DB_PASSWORD"])).toEqual([]);
  });
});
