import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { serviceSettingProblems } from "../../infra/service-check.js";
import { type ArgumentValues, argumentEntries } from "../../infra/service-env.js";
import { ConfigError, parseConfig } from "../../service/config.js";
import { configNames } from "../../service/config-names.js";

const fromArgs: ArgumentValues = {
  container: "worker",
  containerImage: "registry.example/jobs/report:1.4",
  containerBase: JSON.stringify({ env: { MODE: "nightly" } }),
  armEndpoint: "https://management.azure.com",
};

// Everything else a service needs to start, as the resources would provide it.
const resourceEnv = {
  [configNames.subscriptionId]: "6f0c1f7e-2b4d-4c8e-9a51-3d2e7b9c0a14",
  [configNames.resourceGroup]: "rg",
  [configNames.containerGroup]: "trigger-1",
  [configNames.apiKeys]: "generated-key-abcdefghijklmnop",
  [configNames.storageAccount]: "acitrigger0123",
};

/** The message the service fails to start with on the env the stack would deploy, or undefined. */
function serviceRefusal(values: ArgumentValues): string | undefined {
  const env = Object.fromEntries(argumentEntries(values).filter(([, value]) => value !== undefined));
  try {
    parseConfig({ ...resourceEnv, ...env });
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe("serviceSettingProblems", () => {
  it("accepts what the service accepts", () => {
    expect(serviceSettingProblems(argumentEntries(fromArgs))).toEqual([]);
    expect(serviceRefusal(fromArgs)).toBeUndefined();
  });

  it.each([
    ["maxQueued", "10001", "TRIGGER_MAX_QUEUED must be an integer from 0 to 10000"],
    ["reconcileIntervalMs", "5", "TRIGGER_RECONCILE_INTERVAL_MS must be an integer from 10 to 600000"],
    ["logLevel", "verbose", "LOG_LEVEL must be one of debug, info, warn, error"],
    ["allowedEnvNames", "TRIGGER_BASE", "TRIGGER_ALLOWED_ENV_NAMES must not list reserved names (TRIGGER_BASE)"],
  ] as const)("refuses serviceSettings.%s = %j with the message the service would fail with", (setting, value, problem) => {
    const values = { ...fromArgs, settings: { [setting]: value } };
    expect(serviceSettingProblems(argumentEntries(values))).toEqual([`Invalid configuration: ${problem}`]);
    expect(serviceRefusal(values)).toBe(`Invalid configuration: ${problem}`);
  });

  it("checks the rule between two settings against the service's default for the one not given", () => {
    const values = { ...fromArgs, settings: { armRequestTimeoutMs: "40000" } };
    const problem = "Invalid configuration: TRIGGER_ARM_REQUEST_TIMEOUT_MS must not exceed TRIGGER_ARM_RETRY_TIMEOUT_MS, the budget of the whole call";
    expect(serviceSettingProblems(argumentEntries(values))).toEqual([problem]);
    expect(serviceRefusal(values)).toBe(problem);
  });

  it("refuses an ARM endpoint and a base the service would refuse, both in one message", () => {
    const values = { ...fromArgs, armEndpoint: "http://localhost:8443", containerBase: JSON.stringify({ env: {}, command: [] }) };
    const [message] = serviceSettingProblems(argumentEntries(values));
    expect(message).toContain("ARM_ENDPOINT must be an https URL without credentials, query or fragment");
    expect(message).toContain("ACI_CONTAINER_BASE at command: must not be empty");
    expect(message).toBe(serviceRefusal(values));
  });

  it("leaves out what is not known yet, and every rule that reads it", () => {
    const values = {
      ...fromArgs,
      armEndpoint: pulumi.output("http://not-checked-yet"),
      settings: { armRetryTimeoutMs: pulumi.secret("1"), armRequestTimeoutMs: "40000" },
    };
    expect(serviceSettingProblems(argumentEntries(values))).toEqual([]);
  });
});
