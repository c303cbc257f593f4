import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { WireContainerGroup } from "../../service/arm-types.js";
import type { ContainerGroupPort } from "../../service/container-group-port.js";

export type PortOperation = "read" | "replace" | "stop" | "logs";

/** A `RestError` shaped as the SDK throws it for an ARM error response. */
export function armError(statusCode: number | undefined, code?: string, headers: Record<string, string> = {}): RestError {
  const request = createPipelineRequest({ url: "https://arm.test/containerGroups/job", method: "GET" });
  const response = statusCode === undefined ? undefined : { request, status: statusCode, headers: createHttpHeaders(headers) };
  return new RestError(`ARM failed: internal detail ${code ?? "none"}`, {
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(code === undefined ? {} : { code }),
    request,
    ...(response ? { response } : {}),
  });
}

/** A finished run-once group as ARM's GET shows it: one container, secure value withheld. */
export function sampleGroup(): WireContainerGroup {
  return {
    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/job",
    name: "job",
    type: "Microsoft.ContainerInstance/containerGroups",
    location: "westeurope",
    tags: { owner: "team" },
    properties: {
      provisioningState: "Succeeded",
      osType: "Linux",
      restartPolicy: "Never",
      containers: [
        {
          name: "job",
          properties: {
            image: "example/job:1",
            resources: { requests: { cpu: 1, memoryInGB: 1.5 } },
            environmentVariables: [{ name: "MODE", value: "batch" }, { name: "DB_PASSWORD" }],
            instanceView: {
              restartCount: 0,
              currentState: { state: "Terminated", exitCode: 0, detailStatus: "Completed", startTime: "2024-01-01T00:00:00Z", finishTime: "2024-01-01T00:01:00Z" },
            },
          },
        },
      ],
      instanceView: { state: "Succeeded", events: [] },
    },
  };
}

// What ARM computes or withholds: never returned by GET (FACTS §3, §4).
function asArmReturnsIt(group: WireContainerGroup): WireContainerGroup {
  const copy = structuredClone(group);
  for (const container of copy.properties.containers) {
    container.properties.environmentVariables = container.properties.environmentVariables?.map(({ secureValue, ...entry }) =>
      secureValue === undefined ? entry : { name: entry.name },
    );
  }
  for (const credential of copy.properties.imageRegistryCredentials ?? []) delete credential.password;
  return copy;
}

/**
 * An in-memory container group behind the `ContainerGroupPort`: a PUT starts the containers, a
 * stop stops them, `finish` ends the run; any operation can be made to fail with a `RestError`;
 * every call is counted and every PUT body kept.
 */
export class FakeGroup implements ContainerGroupPort {
  group: WireContainerGroup;
  readonly calls: Record<PortOperation, number> = { read: 0, replace: 0, stop: 0, logs: 0 };
  readonly replaced: WireContainerGroup[] = [];
  readonly logRequests: { container: string; tail: number | undefined }[] = [];
  logContent = "line 1\nline 2\nline 3";
  private readonly failures: Partial<Record<PortOperation, { error: unknown; times: number }>> = {};

  constructor(group: WireContainerGroup = sampleGroup()) {
    this.group = group;
  }

  /** The next `times` calls of `operation` throw `error` (Infinity: every call). */
  fail(operation: PortOperation, error: unknown, times = Infinity): void {
    this.failures[operation] = { error, times };
  }

  private async enter(operation: PortOperation): Promise<void> {
    this.calls[operation] += 1;
    // A real round trip yields to other requests; so does the fake.
    await new Promise((resolve) => setImmediate(resolve));
    const failure = this.failures[operation];
    if (failure && failure.times > 0) {
      failure.times -= 1;
      throw failure.error;
    }
  }

  private setState(groupState: string, containerState: Record<string, unknown>): void {
    this.group.properties.instanceView = { state: groupState, events: [] };
    for (const container of this.group.properties.containers) {
      container.properties.instanceView = { restartCount: 0, currentState: { ...containerState } };
    }
  }

  async read(): Promise<WireContainerGroup> {
    await this.enter("read");
    return asArmReturnsIt(this.group);
  }

  async replace(body: WireContainerGroup): Promise<WireContainerGroup> {
    await this.enter("replace");
    this.replaced.push(structuredClone(body));
    this.group = { ...structuredClone(body), properties: { ...structuredClone(body.properties), provisioningState: "Succeeded" } };
    this.setState("Running", { state: "Running", startTime: "2024-02-01T00:00:05Z", detailStatus: "" });
    return asArmReturnsIt(this.group);
  }

  async stop(): Promise<void> {
    await this.enter("stop");
    this.setState("Stopped", { state: "Terminated", exitCode: 137, detailStatus: "Killed", startTime: "2024-02-01T00:00:05Z", finishTime: "2024-02-01T00:00:30Z" });
  }

  async logs(container: string, tail?: number): Promise<string> {
    await this.enter("logs");
    this.logRequests.push({ container, tail });
    const lines = this.logContent.split("\n");
    return (tail === undefined ? lines : lines.slice(-tail)).join("\n");
  }

  /** The running container exits: group Succeeded (exit 0) or Failed. */
  finish(exitCode: number): void {
    this.setState(exitCode === 0 ? "Succeeded" : "Failed", {
      state: "Terminated",
      exitCode,
      detailStatus: exitCode === 0 ? "Completed" : "Error",
      startTime: "2024-02-01T00:00:05Z",
      finishTime: "2024-02-01T00:01:00Z",
    });
  }
}
