import * as pulumi from "@pulumi/pulumi";
import { beforeAll } from "vitest";
import type { AciHttpTrigger, AciHttpTriggerArgs } from "../../infra/trigger.js";
import { installMocks, resource, reveal, valueOf, type RegisteredResource } from "./pulumi-mocks.js";

/** A complete set of arguments with a ready service image, so nothing is built. */
export const readyImageArgs: AciHttpTriggerArgs = {
  image: "registry.example/jobs/report:1.4",
  command: ["python", "job.py"],
  cpu: 2,
  memoryInGB: 4,
  environment: { MODE: "nightly" },
  secureEnvironment: pulumi.secret({ DB_PASSWORD: "hunter2" }),
  serviceImage: "registry.example/aci-http-trigger:1.0.0",
  apiKeys: pulumi.secret("key-one-0123456789,key-two-0123456789"),
};

export interface TriggerMocks {
  /** Every registration so far, filled in as the program runs. */
  readonly registered: Map<string, RegisteredResource>;
  /** Builds one component and waits until the mock engine has registered all of its children. */
  deploy(name: string, args?: AciHttpTriggerArgs): Promise<AciHttpTrigger>;
  /** The revealed inputs of one child. */
  inputsOf(name: string): any;
  /** The env of the service's container in the component named `name`. */
  serviceEnv(name: string): { name: string; value?: string; secretRef?: string }[];
}

/**
 * Installs the mocks before this file's tests and imports the component after them, the
 * documented order. Each test deploys a component of its own name.
 */
export function useTriggerMocks(): TriggerMocks {
  const mocks: TriggerMocks = {
    registered: new Map(),
    async deploy(name, args = readyImageArgs) {
      const { AciHttpTrigger } = await import("../../infra/trigger.js");
      const trigger = new AciHttpTrigger(name, args);
      await valueOf(trigger.url);
      await valueOf(trigger.apiKey);
      await valueOf(trigger.containerGroupIds);
      return trigger;
    },
    inputsOf: (name) => reveal(resource(mocks.registered, name).inputs),
    serviceEnv: (name) => mocks.inputsOf(`${name}-service`).template.containers[0].env,
  };
  beforeAll(async () => {
    await installMocks(mocks.registered);
  });
  return mocks;
}
